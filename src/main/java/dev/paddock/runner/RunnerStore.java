package dev.paddock.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.db.NamedSql;
import dev.paddock.db.Transactions;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of {@code runners}: every statement that changes a runner is a named text block
 * here, run on the caller's transaction ({@link Transactions}) or autocommitted outside one. The
 * dispatch core's statements count a runner's slots with the fragments {@link #TAKE_SLOTS} and
 * {@link #FREE_SLOTS}, which also live here. The schema derives {@code status} and
 * {@code free_slots} (migrations V1.3.0, V1.4.0).
 */
@ApplicationScoped
public class RunnerStore {

    /** A runner's descriptive fields; null keeps what the runner has (or the default, for a new one). */
    public record Fields(String name, List<String> labels, Integer maxConcurrency, Map<String, Object> capabilities,
                         String version, String os, String arch) {
    }

    /** The runner after a registration, and whether the registration created it. */
    public record Registered(Runner runner, boolean isNew) {
    }

    /** What a runner reported in one heartbeat. */
    public record Report(UUID runnerId, String status, String version, Map<String, Object> systemInfo) {
    }

    /** The runner holding a token, as its sign of life found it. */
    public record Holder(UUID id, String tenant) {
    }

    private static final String CREATE = """
            INSERT INTO runners (id, tenant, name, labels, max_concurrency, capabilities, reported_status,
                                 registered_by, token_hash, token_prefix)
            VALUES (:id, :tenant, :name, CAST(:labels AS varchar(63)[]), coalesce(:maxConcurrency, 5),
                    coalesce(CAST(:capabilities AS jsonb), '{}'), 'offline', :registeredBy, :tokenHash, :tokenPrefix)
            RETURNING *""";

    /**
     * Self-registration: an upsert by id within the tenant that issues a new token and is the
     * runner's first sign of life. An id held by another tenant answers no row and changes nothing.
     */
    private static final String REGISTER = """
            INSERT INTO runners AS r (id, tenant, name, labels, max_concurrency, capabilities, version, os, arch,
                                      reported_status, last_heartbeat_at, registered_by, registered_with_key,
                                      token_hash, token_prefix)
            VALUES (:id, :tenant, coalesce(:name, CAST(:id AS text)), coalesce(CAST(:labels AS varchar(63)[]), '{}'),
                    coalesce(:maxConcurrency, 5), coalesce(CAST(:capabilities AS jsonb), '{}'),
                    coalesce(:version, 'unknown'), :os, :arch, 'online', now(), :registeredBy, :apiKey,
                    :tokenHash, :tokenPrefix)
            ON CONFLICT (id) DO UPDATE
               SET name = coalesce(:name, r.name), labels = coalesce(CAST(:labels AS varchar(63)[]), r.labels),
                   max_concurrency = coalesce(:maxConcurrency, r.max_concurrency),
                   capabilities = coalesce(CAST(:capabilities AS jsonb), r.capabilities),
                   version = coalesce(:version, r.version), os = coalesce(:os, r.os), arch = coalesce(:arch, r.arch),
                   reported_status = 'online', last_heartbeat_at = now(),
                   registered_with_key = coalesce(:apiKey, r.registered_with_key),
                   token_hash = :tokenHash, token_prefix = :tokenPrefix, updated_at = now()
             WHERE r.tenant = :tenant
            RETURNING r.*, r.xmax = 0 AS inserted""";

    private static final String UPDATE_FIELDS = """
            UPDATE runners
               SET name = coalesce(:name, name), labels = coalesce(CAST(:labels AS varchar(63)[]), labels),
                   max_concurrency = coalesce(:maxConcurrency, max_concurrency),
                   capabilities = coalesce(CAST(:capabilities AS jsonb), capabilities),
                   version = coalesce(:version, version), os = coalesce(:os, os), arch = coalesce(:arch, arch),
                   updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING *""";

    private static final String REPLACE_TOKEN = """
            UPDATE runners SET token_hash = :tokenHash, token_prefix = :tokenPrefix, updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING *""";

    /** Out of service: offline, and a drain superseded (the runner is out either way). */
    private static final String MARK_OFFLINE = """
            UPDATE runners SET reported_status = 'offline', drain_requested = FALSE, updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING *""";

    /** The runner says it leaves: offline, a person's drain kept. */
    private static final String DEREGISTER = """
            UPDATE runners SET reported_status = 'offline', updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING *""";

    /** Resuming also ends a drain the runner reported itself. */
    private static final String SET_DRAIN = """
            UPDATE runners
               SET drain_requested = :drain,
                   reported_status = CASE WHEN NOT :drain AND reported_status = 'draining' THEN 'online'
                                          ELSE reported_status END,
                   updated_at = now()
             WHERE id = :id AND tenant = :tenant
            RETURNING *""";

    private static final String DELETE = "DELETE FROM runners WHERE id = :id AND tenant = :tenant RETURNING *";

    /**
     * What runners report about themselves, and their signs of life, many at once. Runners are
     * locked in id order, so batches never wait on each other in a cycle; a report's active_jobs
     * is not taken (the service counts what a runner holds).
     */
    private static final String RECORD_HEARTBEATS = """
            WITH beat AS (
                SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:versions AS text[]),
                                     CAST(:systemInfos AS text[])) AS b(id, status, version, system_info)),
            locked AS (
                SELECT r.id FROM runners r WHERE r.id IN (SELECT id FROM beat) ORDER BY r.id FOR NO KEY UPDATE)
            UPDATE runners r SET reported_status = beat.status, version = coalesce(beat.version, r.version),
                   system_info = coalesce(CAST(beat.system_info AS jsonb), r.system_info),
                   last_heartbeat_at = now(), updated_at = now()
              FROM beat, locked
             WHERE r.id = beat.id AND r.id = locked.id
            RETURNING r.id, r.status""";

    /** A call's sign of life, found by the caller's token: the runner is seen, and an offline one is back. */
    private static final String SIGN_OF_LIFE_BY_TOKEN = """
            UPDATE runners SET last_heartbeat_at = now(),
                   reported_status = CASE WHEN reported_status = 'offline' THEN 'online' ELSE reported_status END
             WHERE token_hash = :tokenHash
            RETURNING id, tenant""";

    /** {@link #SIGN_OF_LIFE_BY_TOKEN} for an API key acting as a runner it registered. */
    private static final String SIGN_OF_LIFE_FOR_KEY = """
            UPDATE runners SET last_heartbeat_at = now(),
                   reported_status = CASE WHEN reported_status = 'offline' THEN 'online' ELSE reported_status END
             WHERE id = :id AND tenant = :tenant AND registered_with_key = :apiKey
            RETURNING id, tenant""";

    /**
     * Signs of life written late only stamp the time: they were given soon enough after one
     * written at once that the runner was still online, and a deregistration or a person's
     * mark-offline since then must not be undone by calls made before it.
     */
    private static final String LATE_SIGNS_OF_LIFE = """
            UPDATE runners SET last_heartbeat_at = now() WHERE id = ANY (CAST(:ids AS uuid[]))""";

    /** Runners silent for longer than offline-after, by the database clock; idempotent. */
    private static final String MARK_SILENT_OFFLINE = """
            UPDATE runners SET reported_status = 'offline', updated_at = now()
             WHERE reported_status <> 'offline' AND last_heartbeat_at < now() - :silentMillis * interval '1 millisecond'""";

    /**
     * A claim's CTE (after one named {@code claimed}, the jobs it took): the claiming runner
     * {@code :runner} holds them now.
     */
    public static final String TAKE_SLOTS = """
            counted AS (
                UPDATE runners SET active_jobs = active_jobs + (SELECT count(*) FROM claimed)
                 WHERE id = :runner AND EXISTS (SELECT 1 FROM claimed))""";

    /**
     * A transition's CTE (after one named {@code moved}, the rows it took out of running, each
     * with its {@code former_runner}): those runners hold them no more. One UPDATE per row of
     * runners, as PostgreSQL applies only one change to a row in one statement.
     */
    public static final String FREE_SLOTS = """
            freed AS (
                UPDATE runners r SET active_jobs = greatest(r.active_jobs - f.n, 0)
                  FROM (SELECT former_runner, count(*) AS n FROM moved WHERE former_runner IS NOT NULL GROUP BY 1) f
                 WHERE r.id = f.former_runner)""";

    /** {@link #FREE_SLOTS} for jobs their runner finished: each counts as a job it completed. */
    public static final String FREE_SLOTS_OF_FINISHED = """
            freed AS (
                UPDATE runners r SET active_jobs = greatest(r.active_jobs - f.n, 0), jobs_completed = r.jobs_completed + f.n
                  FROM (SELECT former_runner, count(*) AS n FROM moved WHERE former_runner IS NOT NULL GROUP BY 1) f
                 WHERE r.id = f.former_runner)""";

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    /** A runner a person adds, offline until it calls, with the token issued to it. */
    public Runner create(String tenant, String registeredBy, Fields fields, RunnerTokens.Issued token) {
        Map<String, Object> parameters = fields(fields);
        parameters.put("id", UUID.randomUUID());
        parameters.put("tenant", tenant);
        parameters.put("registeredBy", registeredBy);
        parameters.put("labels", fields.labels() == null ? new String[0] : fields.labels().toArray(String[]::new));
        token(parameters, token);
        return one(CREATE, parameters).orElseThrow();
    }

    /** 409 when another tenant holds the id. */
    public Registered register(UUID id, String tenant, String registeredBy, UUID apiKey, Fields fields,
                               RunnerTokens.Issued token) {
        Map<String, Object> parameters = fields(fields);
        parameters.put("id", id);
        parameters.put("tenant", tenant);
        parameters.put("registeredBy", registeredBy);
        parameters.put("apiKey", apiKey);
        token(parameters, token);
        NamedSql sql = NamedSql.of(REGISTER);
        return transactions.run(connection -> {
            try (PreparedStatement statement = sql.prepare(connection, parameters);
                 ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw ProblemException.conflict("A runner with this id belongs to someone else.");
                }
                return new Registered(RunnerRows.read(row, json), row.getBoolean("inserted"));
            }
        });
    }

    public Optional<Runner> update(String tenant, UUID id, Fields fields) {
        Map<String, Object> parameters = fields(fields);
        parameters.put("id", id);
        parameters.put("tenant", tenant);
        return one(UPDATE_FIELDS, parameters);
    }

    public Optional<Runner> replaceToken(String tenant, UUID id, RunnerTokens.Issued token) {
        Map<String, Object> parameters = key(tenant, id);
        token(parameters, token);
        return one(REPLACE_TOKEN, parameters);
    }

    public Optional<Runner> markOffline(String tenant, UUID id) {
        return one(MARK_OFFLINE, key(tenant, id));
    }

    public Optional<Runner> deregister(String tenant, UUID id) {
        return one(DEREGISTER, key(tenant, id));
    }

    public Optional<Runner> setDrain(String tenant, UUID id, boolean drain) {
        Map<String, Object> parameters = key(tenant, id);
        parameters.put("drain", drain);
        return one(SET_DRAIN, parameters);
    }

    public Optional<Runner> delete(String tenant, UUID id) {
        return one(DELETE, key(tenant, id));
    }

    /**
     * Heartbeats of many runners in one statement; answers, per runner, the status people now see
     * (a runner missing from the answer is gone). One report per runner.
     */
    public Map<UUID, String> recordHeartbeats(Collection<Report> reports) {
        List<Object> ids = new ArrayList<>();
        List<Object> statuses = new ArrayList<>();
        List<Object> versions = new ArrayList<>();
        List<Object> systemInfos = new ArrayList<>();
        for (Report report : reports) {
            ids.add(report.runnerId());
            statuses.add(report.status() == null ? RunnerStatus.ONLINE : report.status());
            versions.add(report.version());
            systemInfos.add(jsonText(report.systemInfo(), "system_info"));
        }
        NamedSql sql = NamedSql.of(RECORD_HEARTBEATS);
        return transactions.run(connection -> {
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("ids", connection.createArrayOf("uuid", ids.toArray()));
            parameters.put("statuses", connection.createArrayOf("text", statuses.toArray()));
            parameters.put("versions", connection.createArrayOf("text", versions.toArray()));
            parameters.put("systemInfos", connection.createArrayOf("text", systemInfos.toArray()));
            Map<UUID, String> status = new HashMap<>();
            try (PreparedStatement statement = sql.prepare(connection, parameters);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    status.put(rows.getObject(1, UUID.class), rows.getString(2));
                }
            }
            return status;
        });
    }

    /** The runner holding this token, its call recorded as a sign of life; empty for an unknown token. */
    public Optional<Holder> signOfLife(byte[] tokenHash) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("tokenHash", tokenHash);
        return holder(SIGN_OF_LIFE_BY_TOKEN, parameters);
    }

    /** The runner {@code id} of {@code tenant} when the API key registered it, its call recorded as a sign of life. */
    public Optional<Holder> signOfLifeForKey(UUID apiKey, String tenant, UUID id) {
        Map<String, Object> parameters = key(tenant, id);
        parameters.put("apiKey", apiKey);
        return holder(SIGN_OF_LIFE_FOR_KEY, parameters);
    }

    /** Signs of life given since the last write, stamped late (see {@link #LATE_SIGNS_OF_LIFE}). */
    public void lateSignsOfLife(Collection<UUID> runners) {
        NamedSql sql = NamedSql.of(LATE_SIGNS_OF_LIFE);
        transactions.run(connection -> {
            try (PreparedStatement statement = sql.prepare(connection,
                    Map.of("ids", connection.createArrayOf("uuid", runners.toArray())))) {
                return statement.executeUpdate();
            }
        });
    }

    /** Runners silent for longer than {@code silence} are offline; their jobs keep their leases until those run out. */
    public int markSilentOffline(Duration silence) {
        NamedSql sql = NamedSql.of(MARK_SILENT_OFFLINE);
        return transactions.run(connection -> {
            try (PreparedStatement statement = sql.prepare(connection, Map.of("silentMillis", silence.toMillis()))) {
                return statement.executeUpdate();
            }
        });
    }

    private Optional<Holder> holder(String statement, Map<String, Object> parameters) {
        NamedSql sql = NamedSql.of(statement);
        return transactions.run(connection -> {
            try (PreparedStatement prepared = sql.prepare(connection, parameters);
                 ResultSet row = prepared.executeQuery()) {
                return row.next() ? Optional.of(new Holder(row.getObject(1, UUID.class), row.getString(2)))
                        : Optional.empty();
            }
        });
    }

    private Optional<Runner> one(String statement, Map<String, Object> parameters) {
        NamedSql sql = NamedSql.of(statement);
        return transactions.run(connection -> {
            try (PreparedStatement prepared = sql.prepare(connection, parameters);
                 ResultSet row = prepared.executeQuery()) {
                return row.next() ? Optional.of(RunnerRows.read(row, json)) : Optional.empty();
            }
        });
    }

    private Map<String, Object> fields(Fields fields) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("name", fields.name() == null ? null : fields.name().trim());
        parameters.put("labels", fields.labels() == null ? null : fields.labels().toArray(String[]::new));
        parameters.put("maxConcurrency", fields.maxConcurrency());
        parameters.put("capabilities", jsonText(fields.capabilities(), "capabilities"));
        parameters.put("version", fields.version());
        parameters.put("os", fields.os());
        parameters.put("arch", fields.arch());
        return parameters;
    }

    private static Map<String, Object> key(String tenant, UUID id) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("id", id);
        parameters.put("tenant", tenant);
        return parameters;
    }

    private static void token(Map<String, Object> parameters, RunnerTokens.Issued token) {
        parameters.put("tokenHash", token.hash());
        parameters.put("tokenPrefix", token.displayPrefix());
    }

    private String jsonText(Map<String, Object> value, String field) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalid(field, "must be a JSON object");
        }
    }
}
