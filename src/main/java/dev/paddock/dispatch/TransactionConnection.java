package dev.paddock.dispatch;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Plain JDBC for the dispatch core's one-statement work, in one of two kinds of transaction.
 * <p>
 * Inside a JTA transaction (people's writes that also use Hibernate, the sweeps) a statement runs
 * on the connection the pool has enlisted in it, without opening a Hibernate session. Otherwise
 * {@link #inTransaction} runs the work in a local transaction on a pooled connection: BEGIN, the
 * statements, COMMIT, and nothing else. Agent calls and enqueues are one or two statements; a JTA
 * transaction and a Hibernate session around each were more of the lifecycle's CPU than the
 * statements themselves (bench/RESULTS.md).
 */
@ApplicationScoped
public class TransactionConnection {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The local transaction of this thread, if one is open. */
    private static final ThreadLocal<Local> CURRENT = new ThreadLocal<>();

    private static final class Local {
        final Connection connection;
        final List<Runnable> afterCommit = new ArrayList<>(2);

        Local(Connection connection) {
            this.connection = connection;
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry jta;

    /**
     * Runs {@code work} in one transaction: the caller's when one is open (JTA or local), else a
     * local one that commits when the work returns and rolls back when it throws, except for a
     * {@link DispatchStore.StopException}: that refusal is committed, so the runner's
     * acknowledgement of the stop written before it is kept.
     */
    public <T> T inTransaction(Supplier<T> work) {
        if (CURRENT.get() != null || jta.getTransactionKey() != null) {
            return work.get();
        }
        Local local = begin();
        T result;
        try {
            result = work.get();
        } catch (DispatchStore.StopException stop) {
            end(local, true);
            throw stop;
        } catch (RuntimeException | Error failure) {
            end(local, false);
            throw failure;
        }
        end(local, true);
        return result;
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
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Runs {@code action} once the current local transaction commits, and never if it rolls back;
     * false when no local transaction is open (the caller handles JTA or autocommit itself).
     */
    boolean afterLocalCommit(Runnable action) {
        Local local = CURRENT.get();
        if (local == null) {
            return false;
        }
        local.afterCommit.add(action);
        return true;
    }

    private Local begin() {
        try {
            Connection connection = dataSource.getConnection();
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

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("statement failed (SQLState " + e.getSQLState() + ")", e);
    }
}
