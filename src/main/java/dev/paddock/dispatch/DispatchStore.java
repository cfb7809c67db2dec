package dev.paddock.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.PaddockConfig;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.hibernate.query.NativeQuery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.FAILURE;
import static dev.paddock.dispatch.JobStatus.QUEUED;
import static dev.paddock.dispatch.JobStatus.RUNNING;
import static dev.paddock.dispatch.JobStatus.SUCCESS;
import static dev.paddock.dispatch.JobStatus.TIMEOUT;

/**
 * The dispatch core: the only code that changes a job's status, lease, attempt, holders, timings
 * or outcome. Each public method is one transition of {@link JobStatus}, written as SQL judged by
 * the database clock, guarded by the statuses the state machine allows, and doing its side duties
 * in the same statement: the holding runner's {@code active_jobs} and the wake-up signal to every
 * replica. Concurrent claims, calls and sweeps on any number of replicas never hand one job to two
 * runners: claims take queued rows with FOR UPDATE SKIP LOCKED under a lock of the runner's row.
 * Every other transition locks jobs before their runner's row, and a claim never waits on a job,
 * so no two transitions wait on each other in a cycle; callers keep that order too.
 */
@ApplicationScoped
@Transactional(dontRollbackOn = DispatchStore.StopException.class)
public class DispatchStore {

    /** How long a job has run, by the database clock. */
    private static final String DURATION = "(EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint";
    private static final String LEASE = "now() + :leaseMillis * interval '1 millisecond'";
    /**
     * Frees the runners of the rows a CTE named {@code moved} took out of running (one UPDATE per
     * row of runners: PostgreSQL applies only one of two changes to a row in one statement).
     */
    private static final String FREE_RUNNERS = """
            freed AS (
                UPDATE runners r SET active_jobs = greatest(r.active_jobs - f.n, 0)%s
                  FROM (SELECT former_runner, count(*) AS n FROM moved WHERE former_runner IS NOT NULL GROUP BY 1) f
                 WHERE r.id = f.former_runner)""";
    private static final String FREE_RUNNERS_ONLY = FREE_RUNNERS.formatted("");

    private static final String CLAIM = """
            WITH runner AS (
                SELECT id, tenant, name, labels, free_slots FROM runners
                 WHERE id = :runner AND free_slots > 0
                   FOR UPDATE),
            picked AS (
                SELECT j.id FROM jobs j
                 WHERE j.tenant = (SELECT tenant FROM runner) AND j.status IN (%s)
                   AND j.labels <@ (SELECT labels FROM runner)
                 ORDER BY j.priority DESC, j.created_at, j.id
                 LIMIT least(:limit, coalesce((SELECT free_slots FROM runner), 0))
                   FOR UPDATE OF j SKIP LOCKED),
            claimed AS (
                UPDATE jobs j
                   SET status = '%s', runner_id = r.id, runner_name = r.name, attempt = j.attempt + 1,
                       held_by = CASE WHEN r.id = ANY (j.held_by) THEN j.held_by ELSE array_append(j.held_by, r.id) END,
                       lease_id = gen_random_uuid(), lease_expires_at = %s, started_at = now(), phase = NULL,
                       progress = 0, stop_acknowledged = FALSE, updated_at = now()
                  FROM picked, runner r
                 WHERE j.id = picked.id
                RETURNING j.*),
            counted AS (
                UPDATE runners SET active_jobs = active_jobs + (SELECT count(*) FROM claimed)
                 WHERE id = :runner AND EXISTS (SELECT 1 FROM claimed))
            SELECT * FROM claimed ORDER BY priority DESC, created_at, id"""
            .formatted(JobStatus.sqlSourcesOf(RUNNING), RUNNING.wire(), LEASE);

    /**
     * Heartbeats of many runners at once (JDBC parameters: runner ids, lease millis, runner ids).
     * The running jobs are locked in id order, so two batches, or a batch and a completion, never
     * wait on each other in a cycle.
     */
    private static final String RENEW_LEASES_AND_LIST_STOPS = """
            WITH locked AS (
                SELECT id FROM jobs WHERE runner_id = ANY (?) AND status = '%s' ORDER BY id FOR NO KEY UPDATE),
            renewed AS (
                UPDATE jobs j SET lease_expires_at = now() + ? * interval '1 millisecond' FROM locked WHERE j.id = locked.id)
            SELECT runner_id, id FROM jobs
             WHERE runner_id = ANY (?) AND status IN ('%s', '%s') AND NOT stop_acknowledged
               AND completed_at > now() - interval '1 day'
             ORDER BY runner_id, completed_at""".formatted(RUNNING.wire(), CANCELLED.wire(), TIMEOUT.wire());

    private static final String REPORT_PROGRESS = """
            UPDATE jobs j SET phase = coalesce(:phase, j.phase), progress = coalesce(:progress, j.progress),
                   lease_expires_at = %s, updated_at = now()
             WHERE j.id = :job AND j.status = '%s'
            RETURNING j.*""".formatted(LEASE, RUNNING.wire());

    private static final String RENEW_JOB_LEASE = """
            UPDATE jobs j SET lease_expires_at = %s, updated_at = now()
             WHERE j.id = :job AND j.status = '%s'
            RETURNING j.*""".formatted(LEASE, RUNNING.wire());

    private static final String COMPLETE = """
            WITH moved AS (
                UPDATE jobs j
                   SET status = :status, report = CAST(:report AS jsonb), summary = :summary,
                       result = CAST(:result AS jsonb), issues = CAST(:issues AS jsonb), issues_found = :issuesFound,
                       files_reviewed = :filesReviewed, lines_analyzed = :linesAnalyzed,
                       total_comments = :totalComments, quality_rating = :qualityRating,
                       metrics = CAST(:metrics AS jsonb), tokens_used = CAST(:tokensUsed AS jsonb),
                       actions_taken = CAST(:actionsTaken AS jsonb), error = :error,
                       completed_at = now(), duration_ms = %s, lease_expires_at = NULL, phase = NULL,
                       progress = 100, updated_at = now()
                 WHERE j.id = :job AND j.status IN (%s)
                RETURNING j.*, j.runner_id AS former_runner),
            %s
            SELECT * FROM moved""".formatted(DURATION, JobStatus.sqlSourcesOf(SUCCESS),
            FREE_RUNNERS.formatted(", jobs_completed = r.jobs_completed + f.n"));

    private static final String CANCEL = """
            WITH moved AS (
                UPDATE jobs j
                   SET status = '%s', cancelled_at = now(), cancel_reason = :reason, completed_at = now(),
                       lease_expires_at = NULL, updated_at = now(),
                       duration_ms = CASE WHEN j.status = '%s' THEN %s END
                  FROM (SELECT id, status AS former_status FROM jobs WHERE id = :job) former
                 WHERE j.id = former.id AND j.status IN (%s)
                RETURNING j.*, CASE WHEN former.former_status = '%s' THEN j.runner_id END AS former_runner),
            %s
            SELECT * FROM moved""".formatted(CANCELLED.wire(), RUNNING.wire(), DURATION,
            JobStatus.sqlSourcesOf(CANCELLED), RUNNING.wire(), FREE_RUNNERS_ONLY);

    /**
     * Running jobs matched by {@code %s} leave their runner: back to the queue while attempts are
     * left, else failure. The lease id is cleared, so the former holder is fenced (409 lease-lost).
     */
    private static final String RELEASE = """
            WITH picked AS (
                SELECT id, runner_id, attempt < max_attempts AS requeue FROM jobs
                 WHERE status = '%s' AND (%%s)
                   FOR UPDATE %%s),
            moved AS (
                UPDATE jobs j
                   SET status = CASE WHEN picked.requeue THEN '%s' ELSE '%s' END,
                       runner_id = CASE WHEN picked.requeue THEN NULL ELSE j.runner_id END,
                       runner_name = CASE WHEN picked.requeue THEN NULL ELSE j.runner_name END,
                       phase = CASE WHEN picked.requeue THEN NULL ELSE j.phase END,
                       progress = CASE WHEN picked.requeue THEN NULL ELSE j.progress END,
                       queued_at = CASE WHEN picked.requeue THEN now() ELSE j.queued_at END,
                       error = CASE WHEN picked.requeue THEN j.error ELSE :error END,
                       completed_at = CASE WHEN picked.requeue THEN NULL ELSE now() END,
                       duration_ms = CASE WHEN picked.requeue THEN NULL ELSE %s END,
                       lease_id = NULL, lease_expires_at = NULL, updated_at = now()
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.id, j.tenant, j.status, picked.runner_id AS former_runner),
            %s
            SELECT CAST(id AS text), tenant, status FROM moved"""
            .formatted(RUNNING.wire(), QUEUED.wire(), FAILURE.wire(), DURATION, FREE_RUNNERS_ONLY);

    private static final String TIME_OUT = """
            WITH picked AS (
                SELECT id FROM jobs
                 WHERE status IN (%s) AND started_at + timeout_seconds * interval '1 second' < now()
                   FOR UPDATE SKIP LOCKED),
            moved AS (
                UPDATE jobs j
                   SET status = '%s', error = 'timed out after ' || j.timeout_seconds || ' s', completed_at = now(),
                       lease_expires_at = NULL, duration_ms = %s, updated_at = now()
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.id, j.runner_id AS former_runner),
            %s
            SELECT CAST(id AS text) FROM moved""".formatted(JobStatus.sqlSourcesOf(TIMEOUT), TIMEOUT.wire(), DURATION,
            FREE_RUNNERS_ONLY);

    @Inject
    EntityManager em;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    /** What a runner reports when it finishes a job. */
    public record Outcome(JobStatus status, Map<String, Object> report, String summary, Map<String, Object> result,
                          List<Map<String, Object>> issues, Integer filesReviewed, Integer linesAnalyzed,
                          Integer totalComments, String qualityRating, Map<String, Object> metrics,
                          Map<String, Object> tokensUsed, List<Object> actionsTaken, String error) {
    }

    // ---- queued ----------------------------------------------------------------------------

    /** A job was just inserted (queued by the schema's default): wake the claims waiting in its tenant. */
    public void queued(Job job) {
        JobSignals.notify(em, JobSignals.JOBS_CHANNEL, JobSignals.tenantTopic(job.tenant));
    }

    /**
     * queued → running: up to {@code limit} of the runner's tenant's queued jobs whose labels the
     * runner has, highest priority then oldest first, within the runner's free slots. Each gets a
     * fresh lease id; none when the runner cannot take work (offline, draining, full).
     */
    @SuppressWarnings("unchecked")
    public List<Job> claim(UUID runnerId, int limit) {
        return em.createNativeQuery(CLAIM, Job.class)
                .setParameter("runner", runnerId)
                .setParameter("limit", limit)
                .setParameter("leaseMillis", config.jobs().lease().toMillis())
                .getResultList();
    }

    // ---- running: the holder's calls -------------------------------------------------------

    /**
     * The job, locked, when {@code runnerId} holds or once held it; 404 otherwise. A runner reading
     * a job it was told to stop (cancelled, timed out) acknowledges the stop.
     */
    public Job lockHeld(UUID runnerId, String tenant, UUID jobId) {
        Job job = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || !job.tenant.equals(tenant) || job.heldBy == null || !job.heldBy.contains(runnerId)) {
            throw ProblemException.notFound("Job");
        }
        if ((job.is(CANCELLED) || job.is(TIMEOUT)) && !job.stopAcknowledged) {
            em.createNativeQuery("UPDATE jobs SET stop_acknowledged = TRUE WHERE id = :job")
                    .setParameter("job", jobId).executeUpdate();
            job.stopAcknowledged = true;
        }
        return job;
    }

    /** {@link #lockHeld}, and the caller's lease must be the job's current one: 409 lease-lost otherwise. */
    public Job fenced(UUID runnerId, String tenant, UUID jobId, String leaseId) {
        Job job = lockHeld(runnerId, tenant, jobId);
        if (leaseId == null || job.leaseId == null || !runnerId.equals(job.runnerId)
                || !job.leaseId.toString().equalsIgnoreCase(leaseId.trim())) {
            throw ProblemException.leaseLost();
        }
        return job;
    }

    /** A fenced write needs the job still running; 409 job-cancelled / job-timeout tells the runner to stop. */
    public void requireRunning(Job job) {
        if (!job.is(RUNNING)) {
            throw new StopException(job.status);
        }
    }

    /** running → running: phase and progress as the runner reports them; renews the lease. */
    public Job reportProgress(Job job, String phase, Integer progress) {
        requireRunning(job);
        return rewrite(job, REPORT_PROGRESS, query -> leased(query)
                .setParameter("phase", phase, String.class)
                .setParameter("progress", progress, Integer.class));
    }

    /** running → running: a sign of work on the job renews its lease. */
    public Job renew(Job job) {
        requireRunning(job);
        return rewrite(job, RENEW_JOB_LEASE, this::leased);
    }

    /**
     * Heartbeats, in one statement on the caller's connection and transaction: renews the leases
     * of every job these runners run, and lists, per runner, the jobs it must stop (cancelled or
     * timed out while it held them) until it acknowledges them.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, List<UUID>> renewLeasesAndListStops(Connection connection, Collection<UUID> runners)
            throws SQLException {
        Array ids = connection.createArrayOf("uuid", runners.toArray());
        try (PreparedStatement renew = connection.prepareStatement(RENEW_LEASES_AND_LIST_STOPS)) {
            renew.setArray(1, ids);
            renew.setLong(2, config.jobs().lease().toMillis());
            renew.setArray(3, ids);
            Map<UUID, List<UUID>> stops = new HashMap<>();
            try (ResultSet rows = renew.executeQuery()) {
                while (rows.next()) {
                    stops.computeIfAbsent(rows.getObject(1, UUID.class), runner -> new ArrayList<>())
                            .add(rows.getObject(2, UUID.class));
                }
            }
            return stops;
        }
    }

    /** running → success | failure with the runner's report; frees the runner's slot. */
    public Job complete(Job job, Outcome outcome) {
        if (!job.is(RUNNING) || !RUNNING.canBecome(outcome.status())) {
            throw new StopException(job.status);
        }
        Job done = rewrite(job, COMPLETE, query -> query
                .setParameter("status", outcome.status().wire())
                .setParameter("report", jsonText(outcome.report()), String.class)
                .setParameter("summary", outcome.summary(), String.class)
                .setParameter("result", jsonText(outcome.result()), String.class)
                .setParameter("issues", jsonText(outcome.issues() == null ? List.of() : outcome.issues()),
                        String.class)
                .setParameter("issuesFound", outcome.issues() == null ? 0 : outcome.issues().size())
                .setParameter("filesReviewed", outcome.filesReviewed(), Integer.class)
                .setParameter("linesAnalyzed", outcome.linesAnalyzed(), Integer.class)
                .setParameter("totalComments", outcome.totalComments(), Integer.class)
                .setParameter("qualityRating", outcome.qualityRating(), String.class)
                .setParameter("metrics", jsonText(outcome.metrics()), String.class)
                .setParameter("tokensUsed", jsonText(outcome.tokensUsed()), String.class)
                .setParameter("actionsTaken", jsonText(outcome.actionsTaken()), String.class)
                .setParameter("error", outcome.error(), String.class));
        signalJobChanged(done.id);
        return done;
    }

    // ---- people's and the sweeps' transitions ---------------------------------------------

    /**
     * queued | running → cancelled, for people. 404 for another tenant's job, 409 for a final one.
     * A running job keeps its lease id, so its runner's next call learns it must stop.
     */
    public Job cancel(String tenant, UUID jobId, String reason) {
        Job job = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || !job.tenant.equals(tenant)) {
            throw ProblemException.notFound("Job");
        }
        if (!JobStatus.of(job.status).canBecome(CANCELLED)) {
            throw ProblemException.conflict("The job is already " + job.status + ".");
        }
        Job cancelled = rewrite(job, CANCEL, query -> query.setParameter("reason", reason, String.class));
        signalJobChanged(cancelled.id);
        return cancelled;
    }

    /** A runner left (deleted or deregistered): its running jobs are requeued, or failed when out of attempts. */
    public void release(UUID runnerId, String error) {
        release("runner_id = :runner", "", error, runnerId);
    }

    /** Running jobs whose lease ran out (their runner went silent): requeued, or failed when out of attempts. */
    public void expireLeases() {
        release("lease_expires_at < now()", "SKIP LOCKED", "lease expired", null);
    }

    /** running → timeout for jobs past their {@code timeout_seconds}. */
    @SuppressWarnings("unchecked")
    public void timeOutOverdue() {
        List<String> ids = em.createNativeQuery(TIME_OUT, String.class).getResultList();
        ids.forEach(id -> signalJobChanged(UUID.fromString(id)));
    }

    @SuppressWarnings("unchecked")
    private void release(String condition, String lockMode, String error, UUID runnerId) {
        var query = em.createNativeQuery(RELEASE.formatted(condition, lockMode)).setParameter("error", error);
        if (runnerId != null) {
            query.setParameter("runner", runnerId);
        }
        List<Object[]> moved = query.getResultList();
        moved.stream().filter(row -> QUEUED.wire().equals(row[2])).map(row -> (String) row[1]).distinct()
                .forEach(tenant -> JobSignals.notify(em, JobSignals.JOBS_CHANNEL, JobSignals.tenantTopic(tenant)));
        moved.stream().filter(row -> !QUEUED.wire().equals(row[2]))
                .forEach(row -> signalJobChanged(UUID.fromString((String) row[0])));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Runs a statement that changes the loaded {@code job} and answers it as it is now: pending
     * entity changes are flushed first, and the row the statement returns replaces the stale copy.
     */
    private Job rewrite(Job job, String sql, java.util.function.UnaryOperator<NativeQuery<?>> bind) {
        em.flush();
        em.detach(job);
        NativeQuery<?> query = em.createNativeQuery(sql, Job.class).unwrap(NativeQuery.class);
        query.setParameter("job", job.id);
        List<?> rows = bind.apply(query).getResultList();
        if (rows.isEmpty()) {
            // the guard refused: the job moved on under a lock we hold, which cannot happen
            throw new IllegalStateException("job " + job.id + " left status " + job.status + " while locked");
        }
        return (Job) Objects.requireNonNull(rows.get(0));
    }

    private NativeQuery<?> leased(NativeQuery<?> query) {
        return query.setParameter("leaseMillis", config.jobs().lease().toMillis());
    }

    /** Readers of the job (log streams) learn it changed: they look again and see it final. */
    private void signalJobChanged(UUID jobId) {
        JobSignals.notify(em, JobSignals.LOGS_CHANNEL, JobSignals.jobTopic(jobId));
    }

    private String jsonText(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("The report holds a value that is not JSON.");
        }
    }

    /**
     * 409 for a write on a job that is no longer running. It does not roll back: the runner's
     * acknowledgement that it learned about the stop is kept.
     */
    public static class StopException extends ProblemException {
        public StopException(String status) {
            super(409, "job-" + status, "Job is " + status, "The job is " + status + "; stop working on it.", null,
                    null);
        }
    }
}
