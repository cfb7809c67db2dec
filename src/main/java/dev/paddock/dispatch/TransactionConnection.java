package dev.paddock.dispatch;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on the current transaction's connection, taken from the pool directly: the pool
 * hands out the connection enlisted in the JTA transaction (the one Hibernate would use too), and
 * no Hibernate session is opened for work that is one SQL statement. A session around each agent
 * call was a fifth of the lifecycle's CPU (bench/RESULTS.md).
 */
@ApplicationScoped
public class TransactionConnection {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @Inject
    AgroalDataSource dataSource;

    public <T> T run(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed (SQLState " + e.getSQLState() + ")", e);
        }
    }
}
