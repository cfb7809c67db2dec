package dev.paddock.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.BlockingOperationControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one way the service runs a transaction: a local transaction on a pooled connection held by
 * the calling thread (see the package). {@link #inTransaction} opens one, or joins the one this
 * thread already has open: a method never opens a transaction inside its caller's.
 * {@link #run} runs a statement on that transaction's connection, or alone (autocommitted)
 * outside one.
 */
@ApplicationScoped
public class Transactions {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * A refusal that keeps what its transaction wrote before it: thrown through
     * {@link #inTransaction}, the transaction commits, then the refusal goes on to the caller.
     */
    public interface CommittedRefusal {
    }

    /** The local transaction of this thread, if one is open. */
    private static final ThreadLocal<Local> CURRENT = new ThreadLocal<>();

    private static final class Local {
        final Connection connection;
        final List<Runnable> afterCommit = new ArrayList<>(2);
        final Map<Object, Object> resources = new HashMap<>(2);

        Local(Connection connection) {
            this.connection = connection;
        }
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * Runs {@code work} in one transaction: the caller's when this thread has one open, else a new
     * one that commits when the work returns and rolls back when it throws (except for a
     * {@link CommittedRefusal}, which commits).
     */
    public <T> T inTransaction(Supplier<T> work) {
        if (CURRENT.get() != null) {
            return work.get();
        }
        Local local = begin();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error failure) {
            end(local, failure instanceof CommittedRefusal);
            throw failure;
        }
        end(local, true);
        return result;
    }

    /** {@link #inTransaction} for work that answers nothing. */
    public void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** Runs one statement's work on the current transaction's connection (or alone, autocommitted). */
    public <T> T run(Work<T> work) {
        Local local = CURRENT.get();
        if (local != null) {
            try {
                return work.run(local.connection);
            } catch (SQLException e) {
                throw failed(e);
            }
        }
        try (Connection connection = connection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Runs {@code action} once the current transaction commits, and never if it rolls back; at
     * once when no transaction is open (the statement before it was autocommitted).
     */
    public void afterCommit(Runnable action) {
        Local local = CURRENT.get();
        if (local == null) {
            action.run();
        } else {
            local.afterCommit.add(action);
        }
    }

    /**
     * The current transaction's value under {@code key}, made by {@code create} the first time it
     * is asked for; null when no transaction is open. What a transaction gathers (e.g. the signals
     * it sends once committed) lives and dies with it.
     */
    @SuppressWarnings("unchecked")
    public <T> T resource(Object key, Supplier<T> create) {
        Local local = CURRENT.get();
        return local == null ? null : (T) local.resources.computeIfAbsent(key, k -> create.get());
    }

    /**
     * A connection of the pool, never on an event loop: a statement there would hold up every
     * request that loop serves (non-blocking routes hand such work to a worker, see AccessFilter).
     */
    private Connection connection() throws SQLException {
        if (!BlockingOperationControl.isBlockingAllowed()) {
            throw new IllegalStateException("A database statement on an event loop (" + Thread.currentThread().getName()
                    + "): it would hold up every request the loop serves; run it on a worker thread.");
        }
        return dataSource.getConnection();
    }

    private Local begin() {
        try {
            Connection connection = connection();
            try {
                connection.setAutoCommit(false);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            Local local = new Local(connection);
            CURRENT.set(local);
            return local;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private void end(Local local, boolean commit) {
        CURRENT.remove();
        Connection connection = local.connection;
        try {
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
        } catch (SQLException e) {
            if (commit) {
                close(connection);
                throw failed(e);
            }
            // a failed rollback: the connection is closed below and PostgreSQL rolls back with it
        }
        close(connection);
        if (commit) {
            local.afterCommit.forEach(Runnable::run);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // the pool resets or discards the connection
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // returned to the pool or discarded: nothing left to do
        }
    }

    /** A statement failed: its SQLState says why (the problem mappers answer 503 for a transient one). */
    public static final class StatementFailed extends RuntimeException {
        StatementFailed(SQLException cause) {
            super("statement failed (SQLState " + cause.getSQLState() + ")", cause);
        }

        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }
    }

    private static StatementFailed failed(SQLException e) {
        return new StatementFailed(e);
    }

    /** Every row a statement with {@code :name} parameters answers, as {@code read} reads it (see {@link #run}). */
    public <T> List<T> rows(String sql, Map<String, Object> parameters, RowReader<T> read) {
        NamedSql statement = NamedSql.of(sql);
        return run(connection -> {
            try (java.sql.PreparedStatement prepared = statement.prepare(connection, parameters);
                 java.sql.ResultSet rows = prepared.executeQuery()) {
                List<T> answers = new ArrayList<>();
                while (rows.next()) {
                    answers.add(read.read(rows));
                }
                return answers;
            }
        });
    }

    /** The first row a statement answers, if any (a row found by its key, or a write's RETURNING). */
    public <T> java.util.Optional<T> first(String sql, Map<String, Object> parameters, RowReader<T> read) {
        return rows(sql, parameters, read).stream().findFirst();
    }

    /** The one row a statement answers (an aggregate, say), as {@code read} reads it. */
    public <T> T row(String sql, Map<String, Object> parameters, RowReader<T> read) {
        List<T> rows = rows(sql, parameters, read);
        if (rows.size() != 1) {
            throw new IllegalStateException("one row expected, " + rows.size() + " answered");
        }
        return rows.get(0);
    }
}
