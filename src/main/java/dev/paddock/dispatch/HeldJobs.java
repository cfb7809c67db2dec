package dev.paddock.dispatch;

import dev.paddock.db.RowReader;
import dev.paddock.event.EventStore;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.RunnerSql;
import dev.paddock.secret.SecretMasking;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static dev.paddock.dispatch.DispatchSql.parameters;
import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.RUNNING;
import static dev.paddock.dispatch.JobStatus.TIMEOUT;

/**
 * A running job's calls by the runner that holds it: progress, logs, the final report, heartbeats.
 * Each is one statement that locks the job when the runner holds or once held it ({@link #HELD}),
 * checks the call's {@link Fence}, and changes the job only while it runs; every other transition
 * locks jobs before their runner's row, as these do.
 */
@ApplicationScoped
public class HeldJobs {

    /**
     * Opens every holder's call on a job: {@code held} locks the job when the runner holds or once
     * held it, and says whether the call passes its fence ({@code fenced}) and may change the job
     * ({@code writable}: fenced, and the job running). The call's change follows: CTEs ending in one named
     * {@code changed}, which change the job only where {@code held.writable} (PostgreSQL applies one
     * change to a row per statement, so a change that renews the lease does it in its own UPDATE).
     * Then {@link #HELD_CLOSE}. The job is reached by its primary key alone: the tenant is checked in
     * a form no index matches, because a plan made before the table's first ANALYZE chose an index
     * by tenant and read every started job of the tenant to find one ({@code GenericPlanTest}).
     * Named parameters: job, tenant, runner, lease (lower case, or null),
     * holderSuffices, leaseMillis, and the change's own.
     */
    static final String HELD = """
            WITH held AS (
                SELECT id AS held_id, status AS held_status, attempt AS held_attempt,
                       log_next_seq AS held_log_next_seq, secrets AS held_secrets,
                       stop_acknowledged AS held_acknowledged,
                       coalesce(lease_id IS NOT NULL AND runner_id = :runner
                                AND (:holderSuffices OR CAST(lease_id AS text) = :lease), FALSE) AS fenced,
                       status = 'running'
                       AND coalesce(lease_id IS NOT NULL AND runner_id = :runner
                                    AND (:holderSuffices OR CAST(lease_id AS text) = :lease), FALSE) AS writable
                  FROM jobs
                 WHERE id = :job AND (tenant = :tenant) IS TRUE AND :runner = ANY (held_by)
                   FOR NO KEY UPDATE),
            """;

    /**
     * The runner learned of its job's stop (cancelled, timed out): run after a call found the job
     * stopped and not yet acknowledged, on the call's transaction. Not a CTE of every call: an
     * UPDATE in a statement costs PostgreSQL its start (the table's thirteen indexes opened) at
     * every execution, when it changes nothing, and nearly every call finds its job running.
     */
    static final String ACKNOWLEDGE_STOP = """
            UPDATE jobs SET stop_acknowledged = TRUE
             WHERE id = :job AND status IN ('cancelled', 'timeout') AND NOT stop_acknowledged
            RETURNING id""";

    static final String HELD_CLOSE = """

            SELECT * FROM held LEFT JOIN changed ON TRUE""";

    static final String HOLD = HELD + """
            changed AS (SELECT WHERE FALSE)""" + HELD_CLOSE;

    /** running → running: phase and progress; the lease renewed. */
    static final String REPORT_PROGRESS = HELD + """
            changed AS (
                UPDATE jobs j SET phase = coalesce(:phase, j.phase), progress = coalesce(:progress, j.progress),
                       lease_expires_at = now() + :leaseMillis * interval '1 millisecond', updated_at = now()
                  FROM held
                 WHERE j.id = held.held_id AND held.writable
                RETURNING j.*)""" + HELD_CLOSE;

    /**
     * running → success | failure ({@code :status}, checked against {@link JobStatus} first); the
     * runner's slot freed. A job with secrets takes only a report whose texts are masked ({@code :masked}).
     */
    static final String COMPLETE = HELD + """
            moved AS (
                UPDATE jobs j
                   SET status = :status, report = CAST(:report AS jsonb), summary = :summary,
                       result = CAST(:result AS jsonb), issues = CAST(:issues AS jsonb), issues_found = :issuesFound,
                       files_reviewed = :filesReviewed, lines_analyzed = :linesAnalyzed,
                       total_comments = :totalComments, quality_rating = :qualityRating,
                       metrics = CAST(:metrics AS jsonb), tokens_used = CAST(:tokensUsed AS jsonb),
                       actions_taken = CAST(:actionsTaken AS jsonb), error = :error, completed_at = now(),
                       duration_ms = (EXTRACT(EPOCH FROM (now() - j.started_at)) * 1000)::bigint,
                       lease_expires_at = NULL, phase = NULL, progress = 100, updated_at = now()
                  FROM held
                 WHERE j.id = held.held_id AND held.writable AND (held.held_secrets IS NULL OR :masked)
                RETURNING j.*, j.runner_id AS former_runner, 'running' AS previous_status),
            """ + RunnerSql.FREE_SLOTS_OF_FINISHED + """
            ,
            """ + EventStore.JOB_FINISHED + """
            ,
            changed AS (SELECT * FROM moved)""" + HELD_CLOSE;

    /**
     * The end of a log append (see {@link #appendingToHeldJob}): the job's log numbering advances
     * past the lines stored and its lease is renewed, a sign of work on it.
     */
    static final String APPENDED = """
            ,
            changed AS (
                UPDATE jobs j SET log_next_seq = writer.held_log_next_seq + (SELECT coalesce(sum(lines), 0) FROM stored),
                       lease_expires_at = now() + :leaseMillis * interval '1 millisecond', updated_at = now()
                  FROM writer
                 WHERE j.id = writer.held_id
                RETURNING (SELECT coalesce(sum(lines), 0) FROM stored) AS stored)""" + HELD_CLOSE;

    /**
     * Heartbeats of many runners at once: the leases of their running jobs renewed (of a runner
     * that said which jobs it still runs, those only), then, per runner, the jobs it must stop
     * (cancelled or timed out while it held them) until it acknowledges them. The running jobs are
     * locked in id order, so two batches, or a batch and a completion, never wait on each other in
     * a cycle.
     */
    static final String RENEW_LEASES_AND_LIST_STOPS = """
            WITH locked AS (
                SELECT id FROM jobs WHERE runner_id = ANY (CAST(:runners AS uuid[])) AND status = 'running'
                   AND (runner_id <> ALL (CAST(:listing AS uuid[])) OR id = ANY (CAST(:listed AS uuid[])))
                 ORDER BY id FOR NO KEY UPDATE),
            renewed AS (
                UPDATE jobs j SET lease_expires_at = now() + :leaseMillis * interval '1 millisecond'
                  FROM locked WHERE j.id = locked.id)
            SELECT runner_id, id FROM jobs
             WHERE runner_id = ANY (CAST(:runners AS uuid[])) AND status IN ('cancelled', 'timeout') AND NOT stop_acknowledged
               AND completed_at > now() - interval '1 day'
             ORDER BY runner_id, completed_at""";

    @Inject
    DispatchSql sql;

    @Inject
    JobClaims claims;

    @Inject
    SignalSender signals;

    @Inject
    SecretMasking masking;

    /** What a holder's call read of the job it locked: enough to write its logs. */
    public record Held(UUID id, String status, int attempt, long logNextSeq, byte[] secrets) {
        public boolean is(JobStatus wanted) {
            return wanted.wire().equals(status);
        }
    }

    /**
     * What a holder's call found, whether it passed its fence, and what its change answered (null
     * when it changed nothing).
     */
    public record Call<T>(Held held, boolean fenced, T changed) {
    }

    /**
     * The statement of a holder's append to the job's log. {@code append} is CTEs that write the
     * lines: one named {@code writer}, the held job's row ({@code held_id},
     * {@code held_log_next_seq}) when they may be written, and one named {@code stored}, a row
     * per row written, whose column {@code lines} says how many lines it holds. The job's log
     * numbering then advances past them and its lease is renewed. The call answers {@code stored}:
     * how many lines, or null when {@code writer} had no row and nothing changed.
     */
    public static String appendingToHeldJob(String append) {
        return HELD + append + APPENDED;
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
        return passed(call(runnerId, tenant, jobId, fence, HOLD, new HashMap<>(), row -> null), fence).held();
    }

    /**
     * A holder's change of a running job, in one statement (see {@link #HELD}): 404 when the
     * runner never held the job, 409 lease-lost when the call does not pass the fence, 409
     * job-cancelled / job-timeout when the job no longer runs; otherwise what the change answered,
     * null when it chose to change nothing.
     */
    public <T> Call<T> change(UUID runnerId, String tenant, UUID jobId, Fence fence, String statement,
                              Map<String, Object> parameters, RowReader<T> changed) {
        Call<T> call = passed(call(runnerId, tenant, jobId, fence, statement, parameters, changed), fence);
        if (!call.held().is(RUNNING)) {
            // a write on a job that stopped running tells its runner to stop
            throw new StopException(call.held().status());
        }
        return call;
    }

    /** running → running: phase and progress as the runner reports them; renews the lease. */
    public Job reportProgress(UUID runnerId, String tenant, UUID jobId, Fence fence, String phase, Integer progress) {
        return changedJob(jobId, change(runnerId, tenant, jobId, fence, REPORT_PROGRESS,
                parameters("phase", phase, "progress", progress), this::jobOrNull).changed());
    }

    /**
     * running → success | failure with the runner's report; frees the runner's slot. A job already
     * final is refused as one that stopped running ({@link StopException}). The report of a job
     * with secrets is stored with their values masked: the first statement learns them and writes
     * nothing, the second writes the masked report (as a log append does).
     */
    public Job complete(UUID runnerId, String tenant, UUID jobId, Fence fence, Outcome outcome) {
        if (!RUNNING.canBecome(outcome.status())) {
            throw new IllegalArgumentException("a runner reports success or failure, not " + outcome.status());
        }
        Call<Job> call = change(runnerId, tenant, jobId, fence, COMPLETE, completion(outcome, false), this::jobOrNull);
        if (call.changed() == null && call.held().secrets() != null) {
            Outcome masked = outcome.masked(masking.of(call.held().secrets()));
            call = change(runnerId, tenant, jobId, fence, COMPLETE, completion(masked, true), this::jobOrNull);
        }
        Job done = changedJob(jobId, call.changed());
        signals.afterCommit(Signals.LOGS_CHANNEL, Signals.jobTopic(done.id));
        return done;
    }

    private Map<String, Object> completion(Outcome outcome, boolean masked) {
        return parameters("masked", masked,
                "status", outcome.status().wire(),
                "report", sql.jsonText(outcome.report()),
                "summary", outcome.summary(),
                "result", sql.jsonText(outcome.result()),
                "issues", sql.jsonText(outcome.issues() == null ? List.of() : outcome.issues()),
                "issuesFound", outcome.issues() == null ? 0 : outcome.issues().size(),
                "filesReviewed", outcome.filesReviewed(),
                "linesAnalyzed", outcome.linesAnalyzed(),
                "totalComments", outcome.totalComments(),
                "qualityRating", outcome.qualityRating(),
                "metrics", sql.jsonText(outcome.metrics()),
                "tokensUsed", sql.jsonText(outcome.tokensUsed()),
                "actionsTaken", sql.jsonText(outcome.actionsTaken()),
                "error", outcome.error());
    }

    /**
     * Heartbeats, in one statement on the caller's transaction: renews the leases of every job
     * these runners run (of a runner in {@code running}, only the jobs it lists: one it no longer
     * knows, after its agent restarted, is left to its lease), and lists, per runner, the jobs it
     * must stop until it acknowledges them.
     */
    public Map<UUID, List<UUID>> renewLeasesAndListStops(Collection<UUID> runners, Map<UUID, List<UUID>> running) {
        Map<UUID, List<UUID>> stops = new HashMap<>();
        record Stop(UUID runner, UUID job) {
        }
        String[] ids = runners.stream().map(UUID::toString).toArray(String[]::new);
        String[] listing = running.keySet().stream().map(UUID::toString).toArray(String[]::new);
        String[] listed = running.values().stream().flatMap(List::stream).map(UUID::toString).toArray(String[]::new);
        List<Stop> rows = sql.rows(RENEW_LEASES_AND_LIST_STOPS, parameters("runners", ids, "listing", listing,
                        "listed", listed, "leaseMillis", sql.leaseMillis()),
                row -> new Stop(row.getObject(1, UUID.class), row.getObject(2, UUID.class)));
        rows.forEach(stop -> stops.computeIfAbsent(stop.runner(), runner -> new ArrayList<>()).add(stop.job()));
        return stops;
    }

    /** The call, when it passed its fence; 409 lease-lost naming what failed otherwise. */
    private static <T> Call<T> passed(Call<T> call, Fence fence) {
        if (!call.fenced()) {
            // a dialect whose agent sent no lease id was fenced by the job's holder alone
            throw fence.holderSuffices()
                    ? ProblemException.leaseLost("This runner no longer holds this job; nothing was changed.")
                    : ProblemException.leaseLost();
        }
        return call;
    }

    private <T> Call<T> call(UUID runnerId, String tenant, UUID jobId, Fence fence, String statement,
                             Map<String, Object> parameters, RowReader<T> changed) {
        parameters.put("job", jobId);
        parameters.put("tenant", tenant);
        parameters.put("runner", runnerId);
        parameters.put("lease", fence.leaseId() == null ? null : fence.leaseId().trim().toLowerCase(Locale.ROOT));
        parameters.put("holderSuffices", fence.holderSuffices());
        parameters.put("leaseMillis", sql.leaseMillis());
        record Found<T>(Call<T> call, boolean stopUnacknowledged) {
        }
        List<Found<T>> found = sql.rows(statement, parameters, row -> {
            Held held = new Held(row.getObject("held_id", UUID.class), row.getString("held_status"),
                    row.getInt("held_attempt"), row.getLong("held_log_next_seq"), row.getBytes("held_secrets"));
            Call<T> call = new Call<>(held, row.getBoolean("fenced"), row.getBoolean("writable") ? changed.read(row) : null);
            return new Found<>(call, (held.is(CANCELLED) || held.is(TIMEOUT)) && !row.getBoolean("held_acknowledged"));
        });
        if (found.isEmpty()) {
            throw ProblemException.notFound("Job");
        }
        if (found.get(0).stopUnacknowledged()) {
            sql.rows(ACKNOWLEDGE_STOP, parameters("job", jobId), row -> null);
        }
        return found.get(0).call();
    }

    /** The job a holder's change answered, or null when the row holds none. */
    private Job jobOrNull(java.sql.ResultSet row) throws java.sql.SQLException {
        return row.getObject("id") == null ? null : sql.job(row);
    }

    private static Job changedJob(UUID jobId, Job changed) {
        if (changed == null) {
            // writable under the lock we hold, yet unchanged: cannot happen
            throw new IllegalStateException("job " + jobId + " left its status while locked");
        }
        return changed;
    }
}
