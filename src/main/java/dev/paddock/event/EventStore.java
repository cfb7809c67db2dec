package dev.paddock.event;

import dev.paddock.db.Transactions;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * The one writer of {@code events}. Events are written by the statement that makes the change
 * they announce, so in its transaction: the owners of each change (the dispatch core for jobs)
 * splice this class's fragments into their statements, each one a CTE that inserts an event per
 * row of the CTE it names. They are numbered after commit ({@link #numberCommitted}), see the
 * migration V1.10.0 for why.
 */
@ApplicationScoped
public class EventStore {

    /** After a CTE named {@code enqueued} (a new job's row): the job is queued, enqueued or retried. */
    public static final String JOB_QUEUED = """
            queued_event AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.job.queued', id, to_jsonb(enqueued) - 'secrets',
                       jsonb_build_object('reason', CASE WHEN original_job_id IS NULL THEN 'enqueued' ELSE 'retry' END)
                  FROM enqueued)""";

    /** After a CTE named {@code claimed} (the jobs a claim took): each job started. */
    public static final String JOB_STARTED = """
            started_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.job.started', id, to_jsonb(claimed) - 'secrets',
                       '{"previous_status": "queued"}'::jsonb
                  FROM claimed)""";

    /**
     * After a CTE named {@code moved} (jobs a transition made final, each with its
     * {@code previous_status} and {@code former_runner}): each job finished.
     */
    public static final String JOB_FINISHED = """
            finished_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.job.finished', id,
                       to_jsonb(moved) - 'secrets' - 'former_runner' - 'previous_status',
                       jsonb_build_object('previous_status', previous_status)
                  FROM moved)""";

    /**
     * After a CTE named {@code moved} (running jobs taken from their runner, each with its
     * {@code former_runner}): back in the queue (the lease was lost), or finished as a failure.
     */
    public static final String JOB_RELEASED = """
            released_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, CASE WHEN status = 'queued' THEN 'paddock.job.queued' ELSE 'paddock.job.finished' END,
                       id, to_jsonb(moved) - 'secrets' - 'former_runner',
                       CASE WHEN status = 'queued' THEN '{"reason": "lease_expired", "previous_status": "running"}'::jsonb
                            ELSE '{"previous_status": "running"}'::jsonb END
                  FROM moved)""";

    /** After a CTE named {@code created} (new runners' rows): each runner was created. */
    public static final String RUNNER_CREATED = """
            created_event AS (
                INSERT INTO events (tenant, type, subject, resource)
                SELECT tenant, 'paddock.runner.created', id, to_jsonb(created) - 'token_hash' - 'inserted'
                  FROM created)""";

    /**
     * After a CTE named {@code changed} (runners a statement changed, each with the
     * {@code old_status} people saw before): the runners whose status came online, went offline or
     * began draining.
     */
    public static final String RUNNER_STATUS_CHANGED = """
            status_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT changed.tenant, moved.type, changed.id,
                       to_jsonb(changed) - 'token_hash' - 'old_status' - 'inserted',
                       jsonb_build_object('previous_status', changed.old_status)
                  FROM changed,
                       LATERAL (SELECT CASE
                           WHEN changed.status = 'offline' AND changed.old_status <> 'offline' THEN 'paddock.runner.offline'
                           WHEN changed.status = 'draining' AND changed.old_status <> 'draining' THEN 'paddock.runner.draining'
                           WHEN changed.status IN ('online', 'busy') AND changed.old_status IN ('offline', 'draining')
                                THEN 'paddock.runner.online' END AS type) moved
                 WHERE moved.type IS NOT NULL)""";

    /** After a CTE named {@code changed} (runners given a new token): each runner's token was regenerated. */
    public static final String RUNNER_TOKEN_REGENERATED = """
            token_events AS (
                INSERT INTO events (tenant, type, subject, resource)
                SELECT tenant, 'paddock.runner.token_regenerated', id,
                       to_jsonb(changed) - 'token_hash' - 'old_status' - 'inserted'
                  FROM changed)""";

    /** After a CTE named {@code deleted} (runners' deleted rows): each runner was deleted by a person. */
    public static final String RUNNER_DELETED = """
            deleted_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.runner.deleted', id, to_jsonb(deleted) - 'token_hash',
                       '{"reason": "deleted"}'::jsonb
                  FROM deleted)""";

    /** After a CTE named {@code retired} (ephemeral runners' deleted rows): each runner's one job is over, or never came. */
    public static final String RUNNER_RETIRED = """
            retired_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.runner.deleted', id, to_jsonb(retired) - 'token_hash',
                       '{"reason": "ephemeral"}'::jsonb
                  FROM retired)""";

    /** After a CTE named {@code created} (a new API key's row): the key was created. */
    public static final String API_KEY_CREATED = """
            api_key_event AS (
                INSERT INTO events (tenant, type, subject, resource)
                SELECT tenant, 'paddock.api_key.created', id, to_jsonb(created) - 'key_hash'
                  FROM created)""";

    /** After a CTE named {@code revoked} (deleted API keys' rows): each key was revoked. */
    public static final String API_KEY_REVOKED = """
            api_key_event AS (
                INSERT INTO events (tenant, type, subject, resource)
                SELECT tenant, 'paddock.api_key.revoked', id, to_jsonb(revoked) - 'key_hash'
                  FROM revoked)""";

    /** After a CTE named {@code disabled} (webhooks set inactive for want of a successful delivery). */
    public static final String WEBHOOK_DISABLED = """
            disabled_events AS (
                INSERT INTO events (tenant, type, subject, resource, details)
                SELECT tenant, 'paddock.webhook.disabled', id, to_jsonb(disabled) - 'secrets',
                       '{"reason": "failing"}'::jsonb
                  FROM disabled)""";

    /** Whether any committed event waits for its number: one probe of a small partial index. */
    static final String ANY_UNNUMBERED = "SELECT EXISTS (SELECT 1 FROM events WHERE sequence IS NULL)";

    /**
     * The numbering reaches its batch's rows through indexes, whatever the planner estimates:
     * under load the statistics lag (the last ANALYZE saw nearly every event numbered), a batch
     * estimated at a row was joined to a scan of the whole table, and one batch ran for minutes
     * while events piled up unnumbered (bench/webhooks.sh). With no scan of the whole table to
     * fall back on, a plan made once serves every batch (the unnumbered events' index, then each
     * picked event by its primary key: {@code EventNumberingPlanTest}); planning both statements
     * afresh at every batch cost PostgreSQL more than running them (0.19 ms of planning a job
     * lifecycle against 0.21 ms of execution, bench/RESULTS.md).
     */
    static final String INDEXED_PLAN = """
            SELECT set_config('enable_seqscan', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)""";

    /** Numbering is one at a time across replicas: this row's lock, held until the numbering commits. */
    static final String LOCK_NUMBERING = "SELECT last FROM event_sequencer FOR UPDATE";

    /**
     * The committed events without a number, in insertion order, a batch of them: read after the
     * lock, so its snapshot holds every number given before.
     */
    static final String PICK_UNNUMBERED = """
            SELECT coalesce(array_agg(pos ORDER BY pos), '{}') FROM (
                SELECT pos FROM events WHERE sequence IS NULL ORDER BY pos LIMIT ?) unnumbered""";

    /**
     * The picked events ({@code ?}, in order) numbered on from the last number given ({@code ?}),
     * each found by its primary key: a join to the unnumbered events' own index, planned on stale
     * statistics, once walked that index's dead entries for every row and held the numbering for
     * 56 s under load (bench/webhooks.sh).
     */
    static final String NUMBER_PICKED = """
            WITH numbered AS (
                UPDATE events e SET sequence = ? + p.n
                  FROM unnest(?::bigint[]) WITH ORDINALITY AS p(pos, n)
                 WHERE e.pos = p.pos
                RETURNING e.sequence, e.tenant)
            UPDATE event_sequencer SET last = greatest(last, (SELECT max(sequence) FROM numbered))
             WHERE EXISTS (SELECT 1 FROM numbered)
            RETURNING last, (SELECT array_agg(DISTINCT tenant) FROM numbered)""";

    /**
     * Events older than the retention, oldest first, a bounded batch at a time (the primary key's
     * order is insertion order): short statements that never hold the writers back.
     */
    static final String DELETE_EXPIRED = """
            DELETE FROM events
             WHERE pos IN (SELECT pos FROM events ORDER BY pos LIMIT ?)
               AND time < now() - ? * interval '1 millisecond' AND sequence IS NOT NULL""";

    private static final int BATCH = 10_000;
    static final int DELETE_BATCH = 1_000;

    @Inject
    Transactions transactions;

    @Inject
    SignalSender signals;

    /** Deletes one batch of events older than {@code retention}; answers how many. */
    public int deleteExpired(Duration retention) {
        return transactions.run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(DELETE_EXPIRED)) {
                delete.setInt(1, DELETE_BATCH);
                delete.setLong(2, retention.toMillis());
                return delete.executeUpdate();
            }
        });
    }

    /**
     * Numbers the events committed so far, a batch at a time, in one transaction per batch; answers
     * how many it numbered.
     */
    public int numberCommitted() {
        boolean waiting = transactions.run(connection -> {
            try (PreparedStatement any = connection.prepareStatement(ANY_UNNUMBERED);
                 ResultSet row = any.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        });
        if (!waiting) {
            return 0;
        }
        return transactions.inTransaction(() -> transactions.run(connection -> {
            try (PreparedStatement indexed = connection.prepareStatement(INDEXED_PLAN)) {
                indexed.execute();
            }
            long last;
            try (PreparedStatement lock = connection.prepareStatement(LOCK_NUMBERING);
                 ResultSet row = lock.executeQuery()) {
                row.next();
                last = row.getLong(1);
            }
            java.sql.Array picked;
            try (PreparedStatement pick = connection.prepareStatement(PICK_UNNUMBERED)) {
                pick.setInt(1, BATCH);
                try (ResultSet row = pick.executeQuery()) {
                    row.next();
                    picked = row.getArray(1);
                }
            }
            try (PreparedStatement number = connection.prepareStatement(NUMBER_PICKED)) {
                number.setLong(1, last);
                number.setArray(2, picked);
                try (ResultSet row = number.executeQuery()) {
                    if (!row.next()) {
                        return 0;
                    }
                    // streams of these tenants read on, on every replica, once the numbers are committed
                    for (String tenant : (String[]) row.getArray(2).getArray()) {
                        signals.afterCommit(Signals.EVENTS_CHANNEL, Signals.eventsTopic(tenant));
                    }
                    return (int) (row.getLong(1) - last);
                }
            }
        }));
    }
}
