package dev.paddock.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.PaddockConfig;
import dev.paddock.db.NamedSql;
import dev.paddock.db.Transactions;
import dev.paddock.runner.RunnerStore;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.FAILURE;
import static dev.paddock.dispatch.JobStatus.QUEUED;
import static dev.paddock.dispatch.JobStatus.RUNNING;
import static dev.paddock.dispatch.JobStatus.TIMEOUT;

/**
 * The dispatch core: the only code that changes a job's status, lease, attempt, holders, timings
 * or outcome. Each public method is one transition of {@link JobStatus}, written as SQL judged by
 * the database clock, guarded by the statuses the state machine allows, and doing its side duties
 * in the same statement: the holding runner's slots (with {@link RunnerStore}'s fragments) and the
 * wake-up signal to every replica. Concurrent claims, calls and sweeps on any number of replicas never hand one job to two
 * runners: claims take queued rows with FOR UPDATE SKIP LOCKED under a lock of the runner's row.
 * Every other transition locks jobs before their runner's row, and a claim never waits on a job,
 * so no two transitions wait on each other in a cycle; callers keep that order too.
 * <p>
 * Transitions are plain JDBC in the caller's transaction ({@link Transactions}); outside one, a
 * transition that is one statement is autocommitted and one of several runs in its own.
 */
@ApplicationScoped
public class DispatchStore {

    /** How long a job has run, by the database clock. */
    private static final String DURATION = "(EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint";
    private static final String LEASE = "now() + :leaseMillis * interval '1 millisecond'";
    private static final String ENQUEUE = """
            INSERT INTO jobs (id, tenant, type, name, labels, priority, timeout_seconds, max_attempts, repository,
                              repository_url, branch, commit_sha, commit_message, pr_number, pull_request, trigger,
                              payload, secret_names, secrets, idempotency_key, original_job_id)
            VALUES (:job, :tenant, :type, :name, CAST(:labels AS varchar(63)[]), :priority, :timeoutSeconds,
                    :maxAttempts, :repository, :repositoryUrl, :branch, :commitSha, :commitMessage, :prNumber,
                    CAST(:pullRequest AS jsonb), CAST(:trigger AS jsonb), CAST(:payload AS jsonb),
                    CAST(:secretNames AS text[]), :secrets, :idempotencyKey, :originalJobId)
            RETURNING *""";

    private static final String READ = "SELECT * FROM jobs WHERE id = :job";
    /** A person's transition first locks the job, then judges it by the state machine. */
    private static final String LOCK = "SELECT * FROM jobs WHERE id = :job FOR UPDATE";

    /** Serialises enqueues of one tenant's idempotency key across replicas until the transaction ends. */
    private static final String LOCK_IDEMPOTENCY_KEY = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
    private static final String ENQUEUED_WITH_KEY = "SELECT * FROM jobs WHERE tenant = :tenant AND idempotency_key = :key";

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
            %s
            SELECT * FROM claimed ORDER BY priority DESC, created_at, id"""
            .formatted(JobStatus.sqlSourcesOf(RUNNING), RUNNING.wire(), LEASE, RunnerStore.TAKE_SLOTS);

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

    /**
     * Opens every holder's call on a job, so that the call is one statement: {@code held} locks the
     * job when the runner holds or once held it, and says whether the call passes its fence
     * ({@code fenced}) and may change the job ({@code writable}: fenced, and the job running);
     * {@code acked} records that the runner learned of a stop (cancelled, timed out). The call's
     * change follows: CTEs ending in one named {@code changed}, which change the job only where
     * {@code held.writable} (PostgreSQL applies one change to a row per statement, so a change
     * that renews the lease does it in its own UPDATE). Named parameters: job, tenant, runner,
     * lease (lower case, or null), holderSuffices, leaseMillis, and the change's own.
     */
    private static final String HELD = """
            WITH held AS (
                SELECT id AS held_id, status AS held_status, attempt AS held_attempt,
                       log_next_seq AS held_log_next_seq, secrets AS held_secrets,
                       stop_acknowledged AS held_acknowledged, %1$s AS fenced, status = '%2$s' AND %1$s AS writable
                  FROM jobs
                 WHERE id = :job AND tenant = :tenant AND :runner = ANY (held_by)
                   FOR NO KEY UPDATE),
            acked AS (
                UPDATE jobs j SET stop_acknowledged = TRUE FROM held
                 WHERE j.id = held.held_id AND held.held_status IN ('%3$s', '%4$s') AND NOT held.held_acknowledged),
            %%s
            SELECT * FROM held LEFT JOIN changed ON TRUE""".formatted(
            "coalesce(lease_id IS NOT NULL AND runner_id = :runner"
                    + " AND (:holderSuffices OR CAST(lease_id AS text) = :lease), FALSE)",
            RUNNING.wire(), CANCELLED.wire(), TIMEOUT.wire());

    /** Renews a running job's lease, in the SET list of a holder's change: a sign of work on it. */
    private static final String RENEWED_LEASE = "lease_expires_at = " + LEASE;

    /** The statement of a holder's call whose {@code change} is CTEs ending in {@code changed} (see {@link #HELD}). */
    private static String onHeldJob(String change) {
        return HELD.formatted(change);
    }

    /**
     * The statement of a holder's append to the job's log. {@code append} is CTEs that write the
     * lines: one named {@code writer}, the held job's row ({@code held_id},
     * {@code held_log_next_seq}) when they may be written, and one named {@code stored}, a row
     * per line written. The job's log numbering then advances past them and its lease is renewed,
     * a sign of work on it. The call answers {@code stored}: how many, or null when
     * {@code writer} had no row and nothing changed.
     */
    public static String appendingToHeldJob(String append) {
        return onHeldJob(append + """
                ,
                changed AS (
                    UPDATE jobs j SET log_next_seq = writer.held_log_next_seq + (SELECT count(*) FROM stored), %s,
                           updated_at = now()
                      FROM writer
                     WHERE j.id = writer.held_id
                    RETURNING (SELECT count(*) FROM stored) AS stored)""".formatted(RENEWED_LEASE));
    }

    private static final String HOLD = onHeldJob("changed AS (SELECT WHERE FALSE)");

    private static final String REPORT_PROGRESS = onHeldJob("""
            changed AS (
                UPDATE jobs j SET phase = coalesce(:phase, j.phase), progress = coalesce(:progress, j.progress),
                       %s, updated_at = now()
                  FROM held
                 WHERE j.id = held.held_id AND held.writable
                RETURNING j.*)""".formatted(RENEWED_LEASE));

    private static final String COMPLETE = onHeldJob("""
            moved AS (
                UPDATE jobs j
                   SET status = :status, report = CAST(:report AS jsonb), summary = :summary,
                       result = CAST(:result AS jsonb), issues = CAST(:issues AS jsonb), issues_found = :issuesFound,
                       files_reviewed = :filesReviewed, lines_analyzed = :linesAnalyzed,
                       total_comments = :totalComments, quality_rating = :qualityRating,
                       metrics = CAST(:metrics AS jsonb), tokens_used = CAST(:tokensUsed AS jsonb),
                       actions_taken = CAST(:actionsTaken AS jsonb), error = :error,
                       completed_at = now(), duration_ms = %s, lease_expires_at = NULL, phase = NULL,
                       progress = 100, updated_at = now()
                  FROM held
                 WHERE j.id = held.held_id AND held.writable
                RETURNING j.*, j.runner_id AS former_runner),
            %s,
            changed AS (SELECT * FROM moved)""".formatted(DURATION,
            RunnerStore.FREE_SLOTS_OF_FINISHED));

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
            JobStatus.sqlSourcesOf(CANCELLED), RUNNING.wire(), RunnerStore.FREE_SLOTS);

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
            .formatted(RUNNING.wire(), QUEUED.wire(), FAILURE.wire(), DURATION, RunnerStore.FREE_SLOTS);
    private static final String RELEASE_RUNNERS_JOBS = RELEASE.formatted("runner_id = :runner", "");
    private static final String RELEASE_EXPIRED = RELEASE.formatted("lease_expires_at < now()", "SKIP LOCKED");

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
            RunnerStore.FREE_SLOTS);

    @Inject
    Transactions connections;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    SignalSender signals;

    /** What a runner reports when it finishes a job. */
    public record Outcome(JobStatus status, Map<String, Object> report, String summary, Map<String, Object> result,
                          List<Map<String, Object>> issues, Integer filesReviewed, Integer linesAnalyzed,
                          Integer totalComments, String qualityRating, Map<String, Object> metrics,
                          Map<String, Object> tokensUsed, List<Object> actionsTaken, String error) {
    }

    // ---- queued ----------------------------------------------------------------------------

    /**
     * → queued: a new job as people described it; its status, attempt, holders and times come from
     * the schema's defaults. Wakes the claims waiting in its tenant once committed.
     */
    public Job enqueue(Job draft) {
        Job job = rewrite(UUID.randomUUID(), ENQUEUE, parameters(
                "tenant", draft.tenant, "type", draft.type, "name", draft.name,
                "labels", draft.labels.toArray(String[]::new), "priority", draft.priority,
                "timeoutSeconds", draft.timeoutSeconds, "maxAttempts", draft.maxAttempts,
                "repository", draft.repository, "repositoryUrl", draft.repositoryUrl, "branch", draft.branch,
                "commitSha", draft.commitSha, "commitMessage", draft.commitMessage, "prNumber", draft.prNumber,
                "pullRequest", jsonText(draft.pullRequest), "trigger", jsonText(draft.trigger),
                "payload", jsonText(draft.payload), "secretNames", draft.secretNames.toArray(String[]::new),
                "secrets", draft.secrets, "idempotencyKey", draft.idempotencyKey, "originalJobId", draft.originalJobId));
        signals.afterCommit(Signals.JOBS_CHANNEL, Signals.tenantTopic(job.tenant));
        return job;
    }

    /**
     * The job a request with this idempotency key enqueued before, if any. Takes the key's lock
     * first, held until the caller's transaction ends, so that retries of one key on any replica
     * enqueue one job (the unique index is the last guard).
     */
    public Optional<Job> enqueuedWithKey(String tenant, String idempotencyKey) {
        return connections.inTransaction(() -> {
            connections.run(connection -> {
                try (PreparedStatement lock = connection.prepareStatement(LOCK_IDEMPOTENCY_KEY)) {
                    lock.setString(1, tenant + "\n" + idempotencyKey);
                    lock.execute();
                    return null;
                }
            });
            return jobs(ENQUEUED_WITH_KEY, parameters("tenant", tenant, "key", idempotencyKey)).stream().findFirst();
        });
    }

    /** The job as it is now, or 404. */
    public Job read(UUID jobId) {
        return jobs(READ, parameters("job", jobId)).stream().findFirst()
                .orElseThrow(() -> ProblemException.notFound("Job"));
    }

    /**
     * queued → running: up to {@code limit} of the runner's tenant's queued jobs whose labels the
     * runner has, highest priority then oldest first, within the runner's free slots. Each gets a
     * fresh lease id; none when the runner cannot take work (offline, draining, full).
     */
    public List<Job> claim(UUID runnerId, int limit) {
        return jobs(CLAIM, parameters("runner", runnerId, "limit", limit, "leaseMillis", leaseMillis()));
    }

    // ---- running: the holder's calls -------------------------------------------------------

    /** What a holder's call read of the job it locked: enough to write its logs. */
    public record Held(UUID id, String status, int attempt, long logNextSeq, byte[] secrets) {
        public boolean is(JobStatus wanted) {
            return wanted.wire().equals(status);
        }
    }

    /**
     * How a call proves it holds a job: the job's current lease id, or, for dialects whose agents
     * send none, being the runner the job runs on (a lease id they do send is still checked).
     */
    public record Fence(String leaseId, boolean holderSuffices) {
        private static final Fence NONE = new Fence(null, false);

        public static Fence lease(String leaseId) {
            return new Fence(leaseId, false);
        }

        public static Fence holderOr(String leaseId) {
            boolean none = leaseId == null || leaseId.isBlank();
            return new Fence(none ? null : leaseId, none);
        }
    }

    /** Reads what a holder's change answered from its row of the statement. */
    @FunctionalInterface
    public interface Answer<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * What a holder's call found, whether it passed its fence, and what its change answered (null
     * when it changed nothing).
     */
    public record Call<T>(Held held, boolean fenced, T changed) {
    }

    /**
     * The job, locked, when {@code runnerId} holds or once held it; 404 otherwise. A runner reading
     * a job it was told to stop (cancelled, timed out) acknowledges the stop.
     */
    public Held hold(UUID runnerId, String tenant, UUID jobId) {
        return call(runnerId, tenant, jobId, Fence.NONE, HOLD, new HashMap<>(), row -> null).held();
    }

    /** {@link #hold}, and the caller must pass the {@code fence}: 409 lease-lost otherwise. */
    public Held fenced(UUID runnerId, String tenant, UUID jobId, Fence fence) {
        return passed(call(runnerId, tenant, jobId, fence, HOLD, new HashMap<>(), row -> null)).held();
    }

    /**
     * A holder's change of a running job, in one statement ({@link #onHeldJob}): 404 when the
     * runner never held the job, 409 lease-lost when the call does not pass the fence, 409
     * job-cancelled / job-timeout when the job no longer runs; otherwise what the change answered,
     * null when it chose to change nothing.
     */
    public <T> Call<T> change(UUID runnerId, String tenant, UUID jobId, Fence fence, String statement,
                              Map<String, Object> parameters, Answer<T> changed) {
        Call<T> call = passed(call(runnerId, tenant, jobId, fence, statement, parameters, changed));
        if (!call.held().is(RUNNING)) {
            // a write on a job that stopped running tells its runner to stop
            throw new StopException(call.held().status());
        }
        return call;
    }

    private static <T> Call<T> passed(Call<T> call) {
        if (!call.fenced()) {
            throw ProblemException.leaseLost();
        }
        return call;
    }

    private <T> Call<T> call(UUID runnerId, String tenant, UUID jobId, Fence fence, String statement,
                             Map<String, Object> parameters, Answer<T> changed) {
        parameters.put("job", jobId);
        parameters.put("tenant", tenant);
        parameters.put("runner", runnerId);
        parameters.put("lease", fence.leaseId() == null ? null : fence.leaseId().trim().toLowerCase(Locale.ROOT));
        parameters.put("holderSuffices", fence.holderSuffices());
        parameters.put("leaseMillis", leaseMillis());
        NamedSql sql = NamedSql.of(statement);
        Call<T> call = connections.run(connection -> {
            try (PreparedStatement prepared = sql.prepare(connection, parameters);
                 ResultSet row = prepared.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Held held = new Held(row.getObject("held_id", UUID.class), row.getString("held_status"),
                        row.getInt("held_attempt"), row.getLong("held_log_next_seq"), row.getBytes("held_secrets"));
                return new Call<>(held, row.getBoolean("fenced"), row.getBoolean("writable") ? changed.read(row) : null);
            }
        });
        if (call == null) {
            throw ProblemException.notFound("Job");
        }
        return call;
    }

    /** running → running: phase and progress as the runner reports them; renews the lease. */
    public Job reportProgress(UUID runnerId, String tenant, UUID jobId, Fence fence, String phase, Integer progress) {
        return changedJob(jobId, change(runnerId, tenant, jobId, fence, REPORT_PROGRESS,
                parameters("phase", phase, "progress", progress), this::jobOrNull).changed());
    }

    /**
     * Heartbeats, in one statement on the caller's connection and transaction: renews the leases
     * of every job these runners run, and lists, per runner, the jobs it must stop (cancelled or
     * timed out while it held them) until it acknowledges them.
     */
    public Map<UUID, List<UUID>> renewLeasesAndListStops(Collection<UUID> runners) {
        return connections.run(connection -> {
            Array ids = connection.createArrayOf("uuid", runners.toArray());
            try (PreparedStatement renew = connection.prepareStatement(RENEW_LEASES_AND_LIST_STOPS)) {
                renew.setArray(1, ids);
                renew.setLong(2, leaseMillis());
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
        });
    }

    /**
     * running → success | failure with the runner's report; frees the runner's slot. A job already
     * final is refused as one that stopped running ({@link StopException}).
     */
    public Job complete(UUID runnerId, String tenant, UUID jobId, Fence fence, Outcome outcome) {
        if (!RUNNING.canBecome(outcome.status())) {
            throw new IllegalArgumentException("a runner reports success or failure, not " + outcome.status());
        }
        Job done = changedJob(jobId, change(runnerId, tenant, jobId, fence, COMPLETE, parameters(
                "status", outcome.status().wire(),
                "report", jsonText(outcome.report()),
                "summary", outcome.summary(),
                "result", jsonText(outcome.result()),
                "issues", jsonText(outcome.issues() == null ? List.of() : outcome.issues()),
                "issuesFound", outcome.issues() == null ? 0 : outcome.issues().size(),
                "filesReviewed", outcome.filesReviewed(),
                "linesAnalyzed", outcome.linesAnalyzed(),
                "totalComments", outcome.totalComments(),
                "qualityRating", outcome.qualityRating(),
                "metrics", jsonText(outcome.metrics()),
                "tokensUsed", jsonText(outcome.tokensUsed()),
                "actionsTaken", jsonText(outcome.actionsTaken()),
                "error", outcome.error()), this::jobOrNull).changed());
        signalJobChanged(done.id);
        return done;
    }

    // ---- people's and the sweeps' transitions ---------------------------------------------

    /**
     * queued | running → cancelled, for people. 404 for another tenant's job, 409 for a final one.
     * A running job keeps its lease id, so its runner's next call learns it must stop.
     */
    public Job cancel(String tenant, UUID jobId, String reason) {
        return connections.inTransaction(() -> {
            Job job = jobs(LOCK, parameters("job", jobId)).stream().findFirst().orElse(null);
            if (job == null || !job.tenant.equals(tenant)) {
                throw ProblemException.notFound("Job");
            }
            if (!JobStatus.of(job.status).canBecome(CANCELLED)) {
                throw ProblemException.conflict("The job is already " + job.status + ".");
            }
            Job cancelled = rewrite(job.id, CANCEL, parameters("reason", reason));
            signalJobChanged(cancelled.id);
            return cancelled;
        });
    }

    /**
     * A runner leaves (deleted or deregistered): its running jobs are requeued, or failed when out
     * of attempts. In the caller's transaction, which then changes the runner's row.
     */
    public void release(UUID runnerId, String error) {
        release(RELEASE_RUNNERS_JOBS, parameters("runner", runnerId, "error", error));
    }

    /** Running jobs whose lease ran out (their runner went silent): requeued, or failed when out of attempts. */
    public void expireLeases() {
        release(RELEASE_EXPIRED, parameters("error", "lease expired"));
    }

    /** running → timeout for jobs past their {@code timeout_seconds}. */
    public void timeOutOverdue() {
        connections.inTransaction(() -> rows(TIME_OUT, parameters(), row -> UUID.fromString(row.getString(1)))
                .forEach(this::signalJobChanged));
    }

    private record Moved(UUID id, String tenant, String status) {
    }

    private void release(String statement, Map<String, Object> parameters) {
        connections.inTransaction(() -> {
            List<Moved> moved = rows(statement, parameters,
                    row -> new Moved(UUID.fromString(row.getString(1)), row.getString(2), row.getString(3)));
            moved.stream().filter(row -> QUEUED.wire().equals(row.status())).map(Moved::tenant).distinct()
                    .forEach(tenant -> signals.afterCommit(Signals.JOBS_CHANNEL, Signals.tenantTopic(tenant)));
            moved.stream().filter(row -> !QUEUED.wire().equals(row.status()))
                    .forEach(row -> signalJobChanged(row.id()));
        });
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Runs a statement that changes a job the caller holds locked and answers the job as it is now
     * (detached: nothing of it is written back).
     */
    private Job rewrite(UUID jobId, String sql, Map<String, Object> parameters) {
        parameters.put("job", jobId);
        List<Job> rows = jobs(sql, parameters);
        if (rows.isEmpty()) {
            // the guard refused: the job moved on under a lock we hold, which cannot happen
            throw new IllegalStateException("job " + jobId + " left its status while locked");
        }
        return rows.get(0);
    }

    /** The job a holder's change answered, or null when the row holds none. */
    private Job jobOrNull(ResultSet row) throws SQLException {
        return row.getObject("id") == null ? null : JobRows.read(row, json);
    }

    private static Job changedJob(UUID jobId, Job changed) {
        if (changed == null) {
            // writable under the lock we hold, yet unchanged: cannot happen
            throw new IllegalStateException("job " + jobId + " left its status while locked");
        }
        return changed;
    }

    /** Runs a statement with {@code :name} parameters on the transaction's connection; the jobs it answers. */
    private List<Job> jobs(String sql, Map<String, Object> parameters) {
        return rows(sql, parameters, row -> JobRows.read(row, json));
    }

    /** Runs a statement with {@code :name} parameters on the transaction's connection; each row as {@code read} reads it. */
    private <T> List<T> rows(String sql, Map<String, Object> parameters, Answer<T> read) {
        NamedSql statement = NamedSql.of(sql);
        return connections.run(connection -> {
            try (PreparedStatement prepared = statement.prepare(connection, parameters);
                 ResultSet rows = prepared.executeQuery()) {
                List<T> answers = new ArrayList<>();
                while (rows.next()) {
                    answers.add(read.read(rows));
                }
                return answers;
            }
        });
    }

    /** Name, value, name, value…; values may be null. */
    private static Map<String, Object> parameters(Object... namesAndValues) {
        Map<String, Object> parameters = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    private long leaseMillis() {
        return config.jobs().lease().toMillis();
    }

    /** Readers of the job (log streams) learn it changed: they look again and see it final. */
    private void signalJobChanged(UUID jobId) {
        signals.afterCommit(Signals.LOGS_CHANNEL, Signals.jobTopic(jobId));
    }

    private String jsonText(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("The request holds a value that is not JSON.");
        }
    }

    /**
     * 409 for a write on a job that is no longer running. It does not roll back: the runner's
     * acknowledgement that it learned about the stop is kept.
     */
    public static class StopException extends ProblemException implements Transactions.CommittedRefusal {
        public StopException(String status) {
            super(409, "job-" + status, "Job is " + status, "The job is " + status + "; stop working on it.", null,
                    null);
        }
    }
}
