package dev.paddock.runner;

import dev.paddock.event.EventStore;

/**
 * Every statement that writes {@code runners}, as text blocks read top to bottom: those
 * {@link RunnerStore} runs, and the fragments with which the dispatch core counts a runner's slots
 * in its own statements. The status events of each change are written by the same statement
 * ({@link EventStore}'s fragments).
 */
public final class RunnerSql {

    private RunnerSql() {
    }

    /** After a CTE named {@code moved}: the ephemeral runners among its former runners are deleted. */
    private static final String RETIRE_EPHEMERAL = """
            retired AS (
                DELETE FROM runners r
                 WHERE r.ephemeral AND r.id IN (SELECT former_runner FROM moved)
                RETURNING\s""" + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_RETIRED;

    /** A runner a person adds, offline until it calls. */
    static final String CREATE = """
            WITH created AS (
                INSERT INTO runners AS r (id, tenant, name, labels, max_concurrency, capabilities, reported_status,
                                          registered_by, token_hash, token_prefix, ephemeral)
                VALUES (:id, :tenant, :name, CAST(:labels AS varchar(63)[]), coalesce(:maxConcurrency, 5),
                        coalesce(CAST(:capabilities AS jsonb), '{}'), 'offline', :registeredBy, :tokenHash, :tokenPrefix,
                        coalesce(CAST(:ephemeral AS boolean), FALSE))
                RETURNING\s""" + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_CREATED + """

            SELECT * FROM created""";

    /**
     * Self-registration: an upsert by id within the tenant that issues a new token and is the
     * runner's first sign of life. An id held by another tenant answers no row and changes nothing.
     * A new runner is created; an existing one has a new token, and is back online if it was not.
     * {@code before} is read in the conflict's condition, so before the row changes: read only by
     * {@code changed}, after the upsert, it found the row already changed by this statement (which
     * a lock skips) and the events of a re-registration were lost.
     */
    static final String REGISTER = """
            WITH before AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r
                 WHERE r.id = :id AND r.tenant = :tenant FOR NO KEY UPDATE),
            registered AS (
                INSERT INTO runners AS r (id, tenant, name, labels, max_concurrency, capabilities, version, os, arch,
                                          reported_status, last_heartbeat_at, registered_by, registered_with_key,
                                          token_hash, token_prefix, ephemeral)
                VALUES (:id, :tenant, coalesce(:name, CAST(:id AS text)), coalesce(CAST(:labels AS varchar(63)[]), '{}'),
                        coalesce(:maxConcurrency, 5), coalesce(CAST(:capabilities AS jsonb), '{}'),
                        coalesce(:version, 'unknown'), :os, :arch, 'online', now(), :registeredBy, :apiKey,
                        :tokenHash, :tokenPrefix, coalesce(CAST(:ephemeral AS boolean), FALSE))
                ON CONFLICT (id) DO UPDATE
                   SET name = coalesce(:name, r.name), labels = coalesce(CAST(:labels AS varchar(63)[]), r.labels),
                       max_concurrency = coalesce(:maxConcurrency, r.max_concurrency),
                       capabilities = coalesce(CAST(:capabilities AS jsonb), r.capabilities),
                       version = coalesce(:version, r.version), os = coalesce(:os, r.os), arch = coalesce(:arch, r.arch),
                       reported_status = 'online', last_heartbeat_at = now(),
                       registered_with_key = coalesce(:apiKey, r.registered_with_key),
                       token_hash = :tokenHash, token_prefix = :tokenPrefix,
                       ephemeral = coalesce(CAST(:ephemeral AS boolean), r.ephemeral), updated_at = now()
                 WHERE r.tenant = :tenant AND EXISTS (SELECT FROM before)
                RETURNING r.xmax = 0 AS inserted, """ + RunnerState.COLUMNS + """
                ),
            created AS (SELECT * FROM registered WHERE inserted),
            changed AS (
                SELECT registered.*, before.old_status FROM registered JOIN before ON before.id = registered.id
                 WHERE NOT registered.inserted),
            """ + EventStore.RUNNER_CREATED + """
            ,
            """ + EventStore.RUNNER_STATUS_CHANGED + """
            ,
            """ + EventStore.RUNNER_TOKEN_REGENERATED + """

            SELECT * FROM registered""";

    static final String UPDATE_FIELDS = """
            UPDATE runners r
               SET name = coalesce(:name, name), labels = coalesce(CAST(:labels AS varchar(63)[]), labels),
                   max_concurrency = coalesce(:maxConcurrency, max_concurrency),
                   capabilities = coalesce(CAST(:capabilities AS jsonb), capabilities),
                   version = coalesce(:version, version), os = coalesce(:os, os), arch = coalesce(:arch, arch),
                   updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING\s""" + RunnerState.COLUMNS;

    static final String REPLACE_TOKEN = """
            WITH changed AS (
                UPDATE runners r SET token_hash = :tokenHash, token_prefix = :tokenPrefix, updated_at = now()
                 WHERE id = :id AND tenant = :tenant
                RETURNING\s""" + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_TOKEN_REGENERATED + """

            SELECT * FROM changed""";

    /** The runner, locked, with the status people saw before the statement's change. */
    static final String BEFORE = """
            WITH before AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r
                 WHERE r.id = :id AND r.tenant = :tenant FOR NO KEY UPDATE),
            """;

    /** The end of a statement that changed runners (a CTE named {@code changed}): its status events. */
    static final String STATUS_EVENTS = EventStore.RUNNER_STATUS_CHANGED + """

            SELECT * FROM changed""";

    /**
     * Offline until the runner's next call: marked so by a person, or the runner says it leaves.
     * A person's drain is kept either way, for only {@code resume} ends one (the runner comes back
     * draining).
     */
    static final String OFFLINE = BEFORE + """
            changed AS (
                UPDATE runners r SET reported_status = 'offline', updated_at = now()
                  FROM before WHERE r.id = before.id
                RETURNING before.old_status, """ + RunnerState.COLUMNS + """
                ),
            """ + STATUS_EVENTS;

    /** Resuming also ends a drain the runner reported itself. */
    static final String SET_DRAIN = BEFORE + """
            changed AS (
                UPDATE runners r
                   SET drain_requested = :drain,
                       reported_status = CASE WHEN NOT :drain AND r.reported_status = 'draining' THEN 'online'
                                              ELSE r.reported_status END,
                       updated_at = now()
                  FROM before WHERE r.id = before.id
                RETURNING before.old_status, """ + RunnerState.COLUMNS + """
                ),
            """ + STATUS_EVENTS;

    static final String DELETE = """
            WITH deleted AS (
                DELETE FROM runners r WHERE id = :id AND tenant = :tenant RETURNING\s""" + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_DELETED + """

            SELECT * FROM deleted""";

    /**
     * What runners report about themselves, and their signs of life, many at once. Runners are
     * locked in id order, so batches never wait on each other in a cycle; a report's active_jobs
     * is not taken (the service counts what a runner holds).
     */
    static final String RECORD_HEARTBEATS = """
            WITH beat AS (
                SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:versions AS text[]),
                                     CAST(:systemInfos AS text[])) AS b(id, status, version, system_info)),
            locked AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r WHERE r.id IN (SELECT id FROM beat)
                 ORDER BY r.id FOR NO KEY UPDATE),
            changed AS (
                UPDATE runners r SET reported_status = beat.status, version = coalesce(beat.version, r.version),
                       system_info = coalesce(CAST(beat.system_info AS jsonb), r.system_info),
                       last_heartbeat_at = now(), updated_at = now()
                  FROM beat, locked
                 WHERE r.id = beat.id AND r.id = locked.id
                RETURNING locked.old_status, """ + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_STATUS_CHANGED + """

            SELECT id, status FROM changed""";

    /**
     * The end of a call's sign of life, after a CTE named {@code before} (the runner found and
     * locked, with the status people saw): the runner is seen, and an offline one is back.
     */
    static final String SEEN = """
            changed AS (
                UPDATE runners r SET last_heartbeat_at = now(),
                       reported_status = CASE WHEN r.reported_status = 'offline' THEN 'online' ELSE r.reported_status END
                  FROM before WHERE r.id = before.id
                RETURNING before.old_status, """ + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_STATUS_CHANGED + """

            SELECT id, tenant, ephemeral FROM changed""";

    /** The runner holding a token, as found, for a call that records its sign of life itself (a heartbeat). */
    static final String HOLDER_OF_TOKEN = "SELECT id, tenant, ephemeral FROM runners WHERE token_hash = :tokenHash";

    /** A call's sign of life, found by the caller's token. */
    static final String SIGN_OF_LIFE_BY_TOKEN = """
            WITH before AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r
                 WHERE r.token_hash = :tokenHash FOR NO KEY UPDATE),
            """ + SEEN;

    /** A call's sign of life for an API key acting as a runner it registered. */
    static final String SIGN_OF_LIFE_FOR_KEY = """
            WITH before AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r
                 WHERE r.id = :id AND r.tenant = :tenant AND r.registered_with_key = :apiKey FOR NO KEY UPDATE),
            """ + SEEN;

    /**
     * Signs of life written late only stamp the time: they were given soon enough after one
     * written at once that the runner was still online, and a deregistration or a person's
     * mark-offline since then must not be undone by calls made before it.
     */
    static final String LATE_SIGNS_OF_LIFE = """
            UPDATE runners SET last_heartbeat_at = now() WHERE id = ANY (CAST(:ids AS uuid[]))""";

    /**
     * Runners silent for longer than offline-after, by the database clock; idempotent. Runners a
     * heartbeat holds are skipped: they are not silent.
     */
    static final String MARK_SILENT_OFFLINE = """
            WITH silent AS (
                SELECT r.id, runner_status(r) AS old_status FROM runners r
                 WHERE reported_status <> 'offline' AND last_heartbeat_at < now() - :silentMillis * interval '1 millisecond'
                   FOR NO KEY UPDATE SKIP LOCKED),
            changed AS (
                UPDATE runners r SET reported_status = 'offline', updated_at = now()
                  FROM silent WHERE r.id = silent.id
                RETURNING silent.old_status, """ + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_STATUS_CHANGED + """

            SELECT count(*) FROM changed""";

    /**
     * Ephemeral runners that claimed nothing within {@code :idleMillis} of their creation are
     * deleted, each with its event; idempotent, skipping rows another statement holds.
     */
    static final String RETIRE_UNUSED_EPHEMERAL = """
            WITH unused AS (
                SELECT id FROM runners
                 WHERE ephemeral AND first_claim_at IS NULL AND created_at < now() - :idleMillis * interval '1 millisecond'
                   FOR UPDATE SKIP LOCKED),
            retired AS (
                DELETE FROM runners r USING unused WHERE r.id = unused.id AND r.first_claim_at IS NULL
                RETURNING\s""" + RunnerState.COLUMNS + """
                ),
            """ + EventStore.RUNNER_RETIRED + """

            SELECT count(*) FROM retired""";

    /**
     * A claim's CTE (after one named {@code claimed}, the jobs it took): the claiming runner
     * {@code :runner} holds them now, and has claimed (an ephemeral runner's one claim in a life).
     */
    public static final String TAKE_SLOTS = """
            counted AS (
                UPDATE runners SET active_jobs = active_jobs + (SELECT count(*) FROM claimed),
                       first_claim_at = coalesce(first_claim_at, now())
                 WHERE id = :runner AND EXISTS (SELECT 1 FROM claimed))""";

    /**
     * A transition's CTEs (after one named {@code moved}, the rows it took out of running, each
     * with its {@code former_runner}): those runners hold them no more, and an ephemeral one, its
     * one attempt over, is deleted with its event. The job keeps naming it. One change per row of
     * runners, as PostgreSQL applies only one change to a row in one statement.
     */
    public static final String FREE_SLOTS = """
            freed AS (
                UPDATE runners r SET active_jobs = greatest(r.active_jobs - f.n, 0)
                  FROM (SELECT former_runner, count(*) AS n FROM moved WHERE former_runner IS NOT NULL GROUP BY 1) f
                 WHERE r.id = f.former_runner AND NOT r.ephemeral),
            """ + RETIRE_EPHEMERAL;

    /** {@link #FREE_SLOTS} for jobs their runner finished: each counts as a job it completed. */
    public static final String FREE_SLOTS_OF_FINISHED = """
            freed AS (
                UPDATE runners r SET active_jobs = greatest(r.active_jobs - f.n, 0), jobs_completed = r.jobs_completed + f.n
                  FROM (SELECT former_runner, count(*) AS n FROM moved WHERE former_runner IS NOT NULL GROUP BY 1) f
                 WHERE r.id = f.former_runner AND NOT r.ephemeral),
            """ + RETIRE_EPHEMERAL;
}
