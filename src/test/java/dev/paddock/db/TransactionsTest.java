package dev.paddock.db;

import dev.paddock.support.JobDrafts;
import dev.paddock.dispatch.JobClaims;
import dev.paddock.dispatch.StopException;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.signal.Signals;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent calls' local transactions: all of the work or none of it, a stop refusal kept, and
 * wake-ups only after a commit.
 */
@QuarkusTest
class TransactionsTest {

    @Inject
    Transactions connections;

    @Inject
    JobClaims store;

    @Inject
    Signals signals;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aFailureUndoesEveryStatementOfTheWorkAndWakesNoOne() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        CompletableFuture<Void> waiter = signals.await(Signals.tenantTopic(tenant));
        assertThatThrownBy(() -> connections.inTransaction(() -> {
            store.enqueue(JobDrafts.draft(tenant, "t"));
            store.enqueue(JobDrafts.draft(tenant, "t"));
            throw new IllegalStateException("the next statement failed");
        })).hasMessage("the next statement failed");
        assertThat(jobsOf(tenant)).isZero();
        assertThat(waiter).isNotDone();
        signals.forget(Signals.tenantTopic(tenant), waiter);
    }

    @Test
    void aStopRefusalKeepsWhatWasWrittenBeforeIt() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        CompletableFuture<Void> waiter = signals.await(Signals.tenantTopic(tenant));
        assertThatThrownBy(() -> connections.inTransaction(() -> {
            store.enqueue(JobDrafts.draft(tenant, "t"));
            throw new StopException(JobStatus.CANCELLED.wire());
        })).isInstanceOf(StopException.class);
        assertThat(jobsOf(tenant)).isEqualTo(1);
        assertThat(waiter).isDone();
    }

    @Test
    void nestedWorkJoinsTheOuterTransactionAndWakesOnlyAfterItsCommit() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        CompletableFuture<Void> waiter = signals.await(Signals.tenantTopic(tenant));
        List<Long> transactionIds = new ArrayList<>();
        connections.inTransaction(() -> {
            transactionIds.add(currentTransactionId());
            connections.inTransaction(() -> {
                store.enqueue(JobDrafts.draft(tenant, "t"));
                transactionIds.add(currentTransactionId());
                return null;
            });
            assertThat(waiter).as("not before the outer commit").isNotDone();
            return null;
        });
        assertThat(transactionIds.get(1)).isEqualTo(transactionIds.get(0));
        assertThat(waiter).isDone();
        assertThat(jobsOf(tenant)).isEqualTo(1);
    }

    private long currentTransactionId() {
        return connections.run(connection -> {
            try (PreparedStatement id = connection.prepareStatement("SELECT txid_current()");
                 ResultSet row = id.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }


    private long jobsOf(String tenant) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM jobs WHERE tenant = ?")) {
            count.setString(1, tenant);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** JIT compiling costs 80-200 ms a plan: a short statement with a high estimate paid it every time. */
    @Test
    void theServiceConnectionsRunWithoutPostgresJit() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT current_setting('jit')")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo("off");
        }
    }
}
