package dev.paddock.db;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads what a statement answered from one of its rows. */
@FunctionalInterface
public interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
}
