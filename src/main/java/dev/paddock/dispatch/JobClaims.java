package dev.paddock.dispatch;

import dev.paddock.db.Transactions;
import dev.paddock.event.EventStore;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.RunnerSql;
import dev.paddock.runner.RunnerState;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.paddock.dispatch.DispatchSql.parameters;

/**
 * Into the queue and out of it: → queued (enqueue) and queued → running (claim). Concurrent claims
 * on any number of replicas never hand one job to two runners: they take queued rows with FOR
 * UPDATE SKIP LOCKED under a lock of the runner's row, and a claim never waits on a job.
 */
@ApplicationScoped
public class JobClaims {

    /** → queued, with its event. */
    static final String ENQUEUE = """
            WITH enqueued AS (
                INSERT INTO jobs (id, tenant, type, name, labels, priority, timeout_seconds, max_attempts, repository,
                                  repository_url, branch, commit_sha, commit_message, pr_number, pull_request, trigger,
                                  payload, secret_names, secrets, idempotency_key, original_job_id)
                VALUES (:job, :tenant, :type, :name, CAST(:labels AS varchar(63)[]), :priority, :timeoutSeconds,
                        :maxAttempts, :repository, :repositoryUrl, :branch, :commitSha, :commitMessage, :prNumber,
                        CAST(:pullRequest AS jsonb), CAST(:trigger AS jsonb), CAST(:payload AS jsonb),
                        CAST(:secretNames AS text[]), :secrets, :idempotencyKey, :originalJobId)
                RETURNING *),
            """ + EventStore.JOB_QUEUED + """

            SELECT * FROM enqueued""";

    static final String READ = "SELECT * FROM jobs WHERE id = :job";

    /** Serialises enqueues of one tenant's idempotency key across replicas until the transaction ends. */
    static final String LOCK_IDEMPOTENCY_KEY = "SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))";
    static final String ENQUEUED_WITH_KEY = "SELECT * FROM jobs WHERE tenant = :tenant AND idempotency_key = :key";

    /**
     * queued → running, with an event for each job started. The guard {@code j.status IN ('queued')} is {@link JobStatus}'s list of the
     * statuses that may become running ({@code DispatchGuardsTest} holds the two together).
     */
    static final String CLAIM = """
            WITH runner AS (
                SELECT r.id, r.tenant, r.name, r.labels, runner_free_slots(r) AS free_slots FROM runners r
                 WHERE r.id = :runner AND\s""" + RunnerState.TAKES_WORK + """
                   FOR UPDATE),
            picked AS (
                SELECT j.id FROM jobs j
                 WHERE j.tenant = (SELECT tenant FROM runner) AND j.status IN ('queued')
                   AND j.labels <@ (SELECT labels FROM runner)
                 ORDER BY j.priority DESC, j.created_at, j.id
                 LIMIT least(:limit, coalesce((SELECT free_slots FROM runner), 0))
                   FOR UPDATE OF j SKIP LOCKED),
            claimed AS (
                UPDATE jobs j
                   SET status = 'running', runner_id = r.id, runner_name = r.name, attempt = j.attempt + 1,
                       held_by = CASE WHEN r.id = ANY (j.held_by) THEN j.held_by ELSE array_append(j.held_by, r.id) END,
                       lease_id = gen_random_uuid(), lease_expires_at = now() + :leaseMillis * interval '1 millisecond',
                       started_at = now(), phase = NULL, progress = 0, stop_acknowledged = FALSE, updated_at = now()
                  FROM picked, runner r
                 WHERE j.id = picked.id
                RETURNING j.*),
            """ + RunnerSql.TAKE_SLOTS + """
            ,
            """ + EventStore.JOB_STARTED + """

            SELECT * FROM claimed ORDER BY priority DESC, created_at, id""";

    @Inject
    DispatchSql sql;

    @Inject
    Transactions transactions;

    @Inject
    SignalSender signals;

    /**
     * → queued: a new job as people described it; its status, attempt, holders and times come from
     * the schema's defaults. Wakes the claims waiting in its tenant once committed.
     */
    public Job enqueue(Job draft) {
        Job job = sql.jobs(ENQUEUE, parameters("job", UUID.randomUUID(),
                "tenant", draft.tenant, "type", draft.type, "name", draft.name,
                "labels", draft.labels.toArray(String[]::new), "priority", draft.priority,
                "timeoutSeconds", draft.timeoutSeconds, "maxAttempts", draft.maxAttempts,
                "repository", draft.repository, "repositoryUrl", draft.repositoryUrl, "branch", draft.branch,
                "commitSha", draft.commitSha, "commitMessage", draft.commitMessage, "prNumber", draft.prNumber,
                "pullRequest", sql.jsonText(draft.pullRequest), "trigger", sql.jsonText(draft.trigger),
                "payload", sql.jsonText(draft.payload), "secretNames", draft.secretNames.toArray(String[]::new),
                "secrets", draft.secrets, "idempotencyKey", draft.idempotencyKey,
                "originalJobId", draft.originalJobId)).get(0);
        signals.afterCommit(Signals.JOBS_CHANNEL, Signals.tenantTopic(job.tenant));
        return job;
    }

    /**
     * The job a request with this idempotency key enqueued before, if any. Takes the key's lock
     * first, held until the caller's transaction ends, so that retries of one key on any replica
     * enqueue one job (the unique index is the last guard).
     */
    public Optional<Job> enqueuedWithKey(String tenant, String idempotencyKey) {
        return transactions.inTransaction(() -> {
            sql.rows(LOCK_IDEMPOTENCY_KEY, parameters("key", tenant + "\n" + idempotencyKey), row -> null);
            return sql.jobs(ENQUEUED_WITH_KEY, parameters("tenant", tenant, "key", idempotencyKey)).stream()
                    .findFirst();
        });
    }

    /** The job as it is now, or 404. */
    public Job read(UUID jobId) {
        return sql.jobs(READ, parameters("job", jobId)).stream().findFirst()
                .orElseThrow(() -> ProblemException.notFound("Job"));
    }

    /**
     * queued → running: up to {@code limit} of the runner's tenant's queued jobs whose labels the
     * runner has, highest priority then oldest first, within the runner's free slots. Each gets a
     * fresh lease id; none when the runner cannot take work (offline, draining, full).
     */
    public List<Job> claim(UUID runnerId, int limit) {
        return sql.jobs(CLAIM, parameters("runner", runnerId, "limit", limit, "leaseMillis", sql.leaseMillis()));
    }
}
