package dev.paddock.dispatch;

import dev.paddock.db.Transactions;
import dev.paddock.problem.ProblemException;
import dev.paddock.support.Api;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatch core at the service level, with real threads: whatever runs at once, each job is
 * held by one runner at a time, reaches one final state, and every runner's active_jobs is the
 * number of jobs it runs.
 */
@QuarkusTest
class DispatchCoreTest {

    @Inject
    JobClaims claims;

    @Inject
    HeldJobs heldJobs;

    @Inject
    JobReleases releases;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Transactions transactions;

    private static Outcome success() {
        return new Outcome(JobStatus.SUCCESS, Map.of("status", "success"), "ok", null, null, null,
                null, null, null, null, null, null, null);
    }

    @Test
    void concurrentClaimsCompletionsAndCancelsKeepEveryInvariant() throws Exception {
        Api api = Api.newTenant();
        List<Api.RunnerRef> runners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runners.add(api.onlineRunner(List.of(), 3));
        }
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            jobs.add(api.enqueue("t", List.of()));
        }
        Set<UUID> claimedOnce = ConcurrentHashMap.newKeySet();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch start = new CountDownLatch(1);
        // the runners begin once the first cancel is in: warm runners once finished all 60 jobs
        // before the canceller's first call, and the run cancelled nothing
        CountDownLatch firstCancel = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            UUID runnerId = UUID.fromString(runners.get(t % runners.size()).id());
            workers.add(pool.submit(() -> {
                start.await();
                firstCancel.await();
                while (true) {
                    List<Job> claimed = claims.claim(runnerId, 2);
                    if (claimed.isEmpty() && queued(api.tenant) == 0) {
                        return null;
                    }
                    for (Job job : claimed) {
                        if (!claimedOnce.add(job.id)) {
                            violations.add("claimed twice: " + job.id);
                        }
                        try {
                            heldJobs.complete(runnerId, api.tenant, job.id, Fence.lease(job.leaseId.toString()), success());
                        } catch (ProblemException cancelledMeanwhile) {
                            assertThat(cancelledMeanwhile.status()).isEqualTo(409);
                        }
                    }
                }
            }));
        }
        // a person cancels every fifth job, queued or running, while the runners work: from the
        // back of the queue, so some are still queued however fast the runners are
        workers.add(pool.submit(() -> {
            start.await();
            try {
                for (int i = jobs.size() - 1; i >= 0; i -= 5) {
                    try {
                        releases.cancel(api.tenant, UUID.fromString(jobs.get(i)), "not needed");
                    } catch (ProblemException alreadyFinal) {
                        assertThat(alreadyFinal.status()).isEqualTo(409);
                    }
                    firstCancel.countDown();
                }
            } finally {
                firstCancel.countDown();
            }
            return null;
        }));
        // and the runner counts agree with the jobs in every committed state
        Future<?> watcher = pool.submit(() -> {
            while (!done.get()) {
                violations.addAll(countMismatches(api.tenant));
            }
            return null;
        });
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        done.set(true);
        watcher.get(10, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(violations).isEmpty();
        assertThat(countMismatches(api.tenant)).isEmpty();
        assertThat(scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND status NOT IN ('success', 'cancelled')",
                api.tenant)).isZero();
        assertThat(scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND attempt > 1", api.tenant)).isZero();
        assertThat(scalar("SELECT coalesce(sum(jobs_completed), 0) FROM runners WHERE tenant = ?", api.tenant))
                .isEqualTo(scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND status = 'success'", api.tenant));
        assertThat(scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND status = 'cancelled'", api.tenant))
                .isGreaterThan(0);
    }

    @Test
    void aRunnerThatLeavesHandsBackWhatItRunsOrFailsWhatIsOutOfAttempts() throws Exception {
        Api api = Api.newTenant();
        UUID runner = UUID.fromString(api.onlineRunner(List.of(), 2).id());
        String retryable = api.enqueue(Map.of("type", "t", "max_attempts", 2, "priority", 1));
        String lastChance = api.enqueue(Map.of("type", "t", "max_attempts", 1));
        assertThat(claims.claim(runner, 2)).hasSize(2);
        assertThat(scalar("SELECT active_jobs FROM runners WHERE id = ?", runner)).isEqualTo(2);

        releases.release(runner, "runner deleted; out of attempts");

        assertThat(text("SELECT status || ' ' || coalesce(lease_id::text, '-') FROM jobs WHERE id = ?::uuid", retryable))
                .isEqualTo("queued -");
        assertThat(text("SELECT status || ' ' || error || ' ' || coalesce(lease_id::text, '-') FROM jobs WHERE id = ?::uuid",
                lastChance)).isEqualTo("failure runner deleted; out of attempts -");
        assertThat(scalar("SELECT active_jobs FROM runners WHERE id = ?", runner)).isZero();
        assertThat(claims.claim(runner, 2)).extracting(job -> job.id.toString()).containsExactly(retryable);
    }

    @Test
    void sweepsOnManyThreadsMoveEachExpiredJobOnce() throws Exception {
        Api api = Api.newTenant();
        UUID runner = UUID.fromString(api.onlineRunner(List.of(), 10).id());
        for (int i = 0; i < 10; i++) {
            api.enqueue("t", List.of());
        }
        assertThat(claims.claim(runner, 10)).hasSize(10);
        update("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE tenant = ?", api.tenant);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> sweeps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sweeps.add(pool.submit(() -> {
                start.await();
                releases.expireLeases();
                return null;
            }));
        }
        start.countDown();
        for (Future<?> sweep : sweeps) {
            sweep.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND status = 'queued' AND attempt = 1",
                api.tenant)).isEqualTo(10);
        assertThat(scalar("SELECT active_jobs FROM runners WHERE id = ?", runner)).isZero();
        assertThat(countMismatches(api.tenant)).isEmpty();
    }

    @Test
    void transitionsTheMachineForbidsAreRefused() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        UUID runnerId = UUID.fromString(runner.id());
        String id = api.enqueue("t", List.of());
        Job claimed = claims.claim(runnerId, 1).get(0);
        releases.cancel(api.tenant, claimed.id, "stop");
        ProblemException again = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> releases.cancel(api.tenant, claimed.id, "again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(stopsOf(runnerId)).containsExactly(claimed.id);
        // the runner's report on the cancelled job is refused, and that refusal acknowledges the stop
        Api.runner(runner.token()).header("X-Lease-Id", claimed.leaseId.toString()).body(Map.of("progress", 5))
                .post("/api/runners/jobs/" + id + "/status").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("job-cancelled"));
        assertThat(stopsOf(runnerId)).isEmpty();
        ProblemException complete = org.junit.jupiter.api.Assertions.assertThrows(ProblemException.class,
                () -> heldJobs.complete(runnerId, api.tenant, claimed.id, Fence.lease(claimed.leaseId.toString()), success()));
        assertThat(complete.status()).isEqualTo(409);
        assertThat(text("SELECT status FROM jobs WHERE id = ?::uuid", id)).isEqualTo("cancelled");
        assertThat(scalar("SELECT active_jobs FROM runners WHERE id = ?", runnerId)).isZero();
    }

    /** The tenant's runners whose active_jobs is not the number of jobs they run, or exceeds their capacity. */
    private List<String> countMismatches(String tenant) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT r.id, r.active_jobs, r.max_concurrency,
                            (SELECT count(*) FROM jobs j WHERE j.runner_id = r.id AND j.status = 'running')
                       FROM runners r WHERE r.tenant = ?""")) {
            statement.setString(1, tenant);
            ResultSet rows = statement.executeQuery();
            while (rows.next()) {
                long active = rows.getLong(2);
                if (active != rows.getLong(4) || active > rows.getLong(3)) {
                    mismatches.add(rows.getString(1) + " active_jobs " + active + ", running " + rows.getLong(4)
                            + ", max " + rows.getLong(3));
                }
            }
        }
        return mismatches;
    }

    private long queued(String tenant) throws SQLException {
        return scalar("SELECT count(*) FROM jobs WHERE tenant = ? AND status = 'queued'", tenant);
    }

    /**
     * Heartbeats, progress and log batches renew running jobs' leases all the time: a renewal
     * must be a heap-only update, one that writes no index entry, or each one pays for every index
     * of the jobs table.
     */
    @Test
    void aLeaseRenewalWritesNoIndex() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        UUID runnerId = UUID.fromString(running.runner().id());
        // the backend's counters may still hold earlier transactions' (PostgreSQL 15): compare
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
            long[] before = transactions.run(DispatchCoreTest::updatesOfJobs);
            heldJobs.renewLeasesAndListStops(List.of(runnerId), Map.of());
            long[] after = transactions.run(DispatchCoreTest::updatesOfJobs);
            assertThat(after[0] - before[0]).as("row versions written").isEqualTo(1);
            assertThat(after[1] - before[1]).as("of them heap-only").isEqualTo(1);
            throw new RolledBack();
        })).isInstanceOf(RolledBack.class);
    }

    /** Undoes a transaction that only measured. */
    private static final class RolledBack extends RuntimeException {
    }

    /** Rows of jobs this backend updated, and of them heap-only, as its statistics count them. */
    private static long[] updatesOfJobs(Connection connection) throws SQLException {
        try (PreparedStatement counts = connection.prepareStatement(
                "SELECT pg_stat_get_xact_tuples_updated('jobs'::regclass),"
                        + " pg_stat_get_xact_tuples_hot_updated('jobs'::regclass)");
             ResultSet row = counts.executeQuery()) {
            row.next();
            return new long[] {row.getLong(1), row.getLong(2)};
        }
    }

    private long scalar(String sql, Object parameter) throws SQLException {
        return Long.parseLong(text(sql, parameter));
    }

    private String text(String sql, Object parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private void update(String sql, Object parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.executeUpdate();
        }
    }

    /** The jobs a heartbeat of this runner would tell it to stop (and its leases renewed). */
    private List<UUID> stopsOf(UUID runnerId) throws SQLException {
        return heldJobs.renewLeasesAndListStops(List.of(runnerId), Map.of()).getOrDefault(runnerId, List.of());
    }
}
