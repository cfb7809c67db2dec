package dev.paddock.dispatch;

import dev.paddock.db.SchemaAtStart;
import dev.paddock.db.Transactions;
import dev.paddock.event.EventStore;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.RunnerSql;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.paddock.dispatch.DispatchSql.parameters;
import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.QUEUED;

/**
 * Jobs taken from their runner by someone else: a person cancels, a runner leaves (deleted,
 * deregistered), a lease runs out, a timeout passes. The last two are every replica's sweeps: each
 * one idempotent statement on the database clock that skips rows another sweep holds, so all
 * replicas may sweep at once.
 */
@ApplicationScoped
public class JobReleases {

    private static final Logger LOG = Logger.getLogger(JobReleases.class);

    /** A person's transition first locks the job, then judges it by the state machine. */
    static final String LOCK = "SELECT * FROM jobs WHERE id = :job FOR UPDATE";

    /**
     * queued | running → cancelled. A running job keeps its lease id, so its runner's next call
     * learns it must stop. The guard is {@link JobStatus}'s list of the statuses that may become
     * cancelled.
     */
    static final String CANCEL = """
            WITH moved AS (
                UPDATE jobs j
                   SET status = 'cancelled', cancelled_at = now(), cancel_reason = :reason, completed_at = now(),
                       lease_expires_at = NULL, updated_at = now(),
                       duration_ms = CASE WHEN j.status = 'running'
                                          THEN (EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint END
                  FROM (SELECT id, status AS former_status FROM jobs WHERE id = :job) former
                 WHERE j.id = former.id AND j.status IN ('queued', 'running')
                RETURNING j.*, CASE WHEN former.former_status = 'running' THEN j.runner_id END AS former_runner,
                          former.former_status AS previous_status),
            """ + RunnerSql.FREE_SLOTS + """
            ,
            """ + EventStore.JOB_FINISHED + """

            SELECT * FROM moved""";

    /**
     * The end of every release: the {@code picked} running jobs go back to the queue while attempts
     * are left, else fail. The lease id is cleared, so the former holder is fenced (409 lease-lost).
     */
    static final String REQUEUE_OR_FAIL = """
            moved AS (
                UPDATE jobs j
                   SET status = CASE WHEN picked.requeue THEN 'queued' ELSE 'failure' END,
                       runner_id = CASE WHEN picked.requeue THEN NULL ELSE j.runner_id END,
                       runner_name = CASE WHEN picked.requeue THEN NULL ELSE j.runner_name END,
                       phase = CASE WHEN picked.requeue THEN NULL ELSE j.phase END,
                       progress = CASE WHEN picked.requeue THEN NULL ELSE j.progress END,
                       queued_at = CASE WHEN picked.requeue THEN now() ELSE j.queued_at END,
                       started_at = CASE WHEN picked.requeue THEN NULL ELSE j.started_at END,
                       error = CASE WHEN picked.requeue THEN j.error ELSE :error END,
                       completed_at = CASE WHEN picked.requeue THEN NULL ELSE now() END,
                       duration_ms = CASE WHEN picked.requeue THEN NULL
                                          ELSE (EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint END,
                       lease_id = NULL, lease_expires_at = NULL, updated_at = now()
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.*, picked.runner_id AS former_runner),
            """ + RunnerSql.FREE_SLOTS + """
            ,
            """ + EventStore.JOB_RELEASED + """

            SELECT CAST(id AS text), tenant, status FROM moved""";

    /** A runner leaves: its running jobs. */
    static final String RELEASE_RUNNERS_JOBS = """
            WITH picked AS (
                SELECT id, runner_id, attempt < max_attempts AS requeue FROM jobs
                 WHERE status = 'running' AND runner_id = :runner
                   FOR UPDATE),
            """ + REQUEUE_OR_FAIL;

    /** The running jobs whose lease ran out (their runner went silent), skipping those another sweep holds. */
    static final String RELEASE_EXPIRED = """
            WITH picked AS (
                SELECT id, runner_id, attempt < max_attempts AS requeue FROM jobs
                 WHERE status = 'running' AND lease_expires_at < now()
                   FOR UPDATE SKIP LOCKED),
            """ + REQUEUE_OR_FAIL;

    /** running → timeout past {@code timeout_seconds}; the guard is {@link JobStatus}'s list for timeout. */
    static final String TIME_OUT = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE status IN ('running') AND started_at + timeout_seconds * interval '1 second' < now()
                   FOR UPDATE SKIP LOCKED),
            moved AS (
                UPDATE jobs j
                   SET status = 'timeout', error = 'timed out after ' || j.timeout_seconds || ' s', completed_at = now(),
                       lease_expires_at = NULL, duration_ms = (EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint,
                       updated_at = now()
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.*, j.runner_id AS former_runner, 'running' AS previous_status),
            """ + RunnerSql.FREE_SLOTS + """
            ,
            """ + EventStore.JOB_FINISHED + """

            SELECT CAST(id AS text) FROM moved""";

    @Inject
    DispatchSql sql;

    @Inject
    Transactions transactions;

    @Inject
    SignalSender signals;

    /** 404 for another tenant's job, 409 for a final one. */
    public Job cancel(String tenant, UUID jobId, String reason) {
        return transactions.inTransaction(() -> {
            Job job = sql.jobs(LOCK, parameters("job", jobId)).stream().findFirst().orElse(null);
            if (job == null || !job.tenant.equals(tenant)) {
                throw ProblemException.notFound("Job");
            }
            if (!JobStatus.of(job.status).canBecome(CANCELLED)) {
                throw ProblemException.conflict("The job is already " + job.status + ".");
            }
            List<Job> cancelled = sql.jobs(CANCEL, parameters("job", jobId, "reason", reason));
            if (cancelled.isEmpty()) {
                // the guard refused a job we hold locked in a status it allows: cannot happen
                throw new IllegalStateException("job " + jobId + " left its status while locked");
            }
            signalJobChanged(jobId);
            return cancelled.get(0);
        });
    }

    /**
     * A runner leaves (deleted or deregistered): its running jobs are requeued, or failed when out
     * of attempts. In the caller's transaction, which then changes the runner's row.
     */
    public void release(UUID runnerId, String error) {
        release(RELEASE_RUNNERS_JOBS, parameters("runner", runnerId, "error", error));
    }

    @Scheduled(every = "${paddock.jobs.sweep-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
    void sweep() {
        try {
            timeOutOverdue();
            expireLeases();
        } catch (RuntimeException e) {
            LOG.warnf("Job sweep failed (%s); the next one will retry", e.getClass().getSimpleName());
        }
    }

    /** Running jobs whose lease ran out: requeued, or failed when out of attempts. */
    public void expireLeases() {
        release(RELEASE_EXPIRED, parameters("error", "lease expired"));
    }

    /** running → timeout for jobs past their {@code timeout_seconds}. */
    public void timeOutOverdue() {
        transactions.inTransaction(() -> sql.rows(TIME_OUT, parameters(), row -> UUID.fromString(row.getString(1)))
                .forEach(this::signalJobChanged));
    }

    private record Moved(UUID id, String tenant, String status) {
    }

    private void release(String statement, Map<String, Object> parameters) {
        transactions.inTransaction(() -> {
            List<Moved> moved = sql.rows(statement, parameters,
                    row -> new Moved(UUID.fromString(row.getString(1)), row.getString(2), row.getString(3)));
            moved.stream().filter(row -> QUEUED.wire().equals(row.status())).map(Moved::tenant).distinct()
                    .forEach(tenant -> signals.afterCommit(Signals.JOBS_CHANNEL, Signals.tenantTopic(tenant)));
            moved.stream().filter(row -> !QUEUED.wire().equals(row.status()))
                    .forEach(row -> signalJobChanged(row.id()));
        });
    }

    /** Readers of the job (log streams) learn it changed: they look again and see it final. */
    private void signalJobChanged(UUID jobId) {
        signals.afterCommit(Signals.LOGS_CHANNEL, Signals.jobTopic(jobId));
    }
}
