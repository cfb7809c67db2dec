package dev.paddock.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.db.Columns;
import dev.paddock.common.PaddockConfig;
import dev.paddock.db.NamedSql;
import dev.paddock.db.RowReader;
import dev.paddock.db.Transactions;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the dispatch core runs its statements, the one way: {@code :name} parameters
 * ({@link NamedSql}) on the current transaction's connection ({@link Transactions#run}), rows read
 * straight from JDBC.
 */
@ApplicationScoped
class DispatchSql {

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    @Inject
    PaddockConfig config;

    /** Every row the statement answers, as {@code read} reads it ({@link Transactions#rows}). */
    <T> List<T> rows(String sql, Map<String, Object> parameters, RowReader<T> read) {
        return transactions.rows(sql, parameters, read);
    }

    /** The jobs the statement answers ({@code RETURNING j.*} or {@code SELECT *}). */
    List<Job> jobs(String sql, Map<String, Object> parameters) {
        return rows(sql, parameters, this::job);
    }

    Job job(ResultSet row) throws java.sql.SQLException {
        return JobRows.read(Columns.of(row));
    }

    /** Name, value, name, value…; values may be null. */
    static Map<String, Object> parameters(Object... namesAndValues) {
        Map<String, Object> parameters = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    /** A new lease runs this long (the {@code :leaseMillis} of every statement that grants or renews one). */
    long leaseMillis() {
        return config.jobs().lease().toMillis();
    }

    String jsonText(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("The request holds a value that is not JSON.");
        }
    }
}
