package dev.paddock.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.db.Columns;
import dev.paddock.db.NamedSql;
import dev.paddock.db.Transactions;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * dispatch core's statements count a runner's slots with the fragments {@link #RunnerSql.TAKE_SLOTS} and
 * {@link #RunnerSql.FREE_SLOTS}, which also live here. The schema derives {@code status} and
 * {@code free_slots} from the row when read ({@link RunnerState}, migration V1.21.0).
 */
@ApplicationScoped
public class RunnerStore {

    /** A runner's descriptive fields; null keeps what the runner has (or the default, for a new one). */
    public record Fields(String name, List<String> labels, Integer maxConcurrency, Map<String, Object> capabilities,
                         String version, String os, String arch, Boolean ephemeral) {
    }

    /** The runner after a registration, and whether the registration created it. */
    public record Registered(Runner runner, boolean isNew) {
    }

    /** What a runner reported in one heartbeat. */
    public record Report(UUID runnerId, String status, String version, Map<String, Object> systemInfo) {
    }

    /** The runner holding a token, as its sign of life found it. */
    public record Holder(UUID id, String tenant, boolean ephemeral) {
    }

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
        return one(RunnerSql.CREATE, parameters).orElseThrow();
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
        return transactions.first(RunnerSql.REGISTER, parameters,
                        row -> new Registered(RunnerRows.read(Columns.of(row)), row.getBoolean("inserted")))
                .orElseThrow(() -> ProblemException.conflict("A runner with this id belongs to someone else."));
    }

    public Optional<Runner> update(String tenant, UUID id, Fields fields) {
        Map<String, Object> parameters = fields(fields);
        parameters.put("id", id);
        parameters.put("tenant", tenant);
        return one(RunnerSql.UPDATE_FIELDS, parameters);
    }

    public Optional<Runner> replaceToken(String tenant, UUID id, RunnerTokens.Issued token) {
        Map<String, Object> parameters = key(tenant, id);
        token(parameters, token);
        return one(RunnerSql.REPLACE_TOKEN, parameters);
    }

    /** Offline until its next call (marked by a person, or deregistered by the runner); a drain is kept. */
    public Optional<Runner> markOffline(String tenant, UUID id) {
        return one(RunnerSql.OFFLINE, key(tenant, id));
    }

    public Optional<Runner> setDrain(String tenant, UUID id, boolean drain) {
        Map<String, Object> parameters = key(tenant, id);
        parameters.put("drain", drain);
        return one(RunnerSql.SET_DRAIN, parameters);
    }

    public Optional<Runner> delete(String tenant, UUID id) {
        return one(RunnerSql.DELETE, key(tenant, id));
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
        NamedSql sql = NamedSql.of(RunnerSql.RECORD_HEARTBEATS);
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
        return holder(RunnerSql.SIGN_OF_LIFE_BY_TOKEN, parameters);
    }

    /** The runner holding this token, nothing written: the call records its sign of life itself; empty for an unknown token. */
    public Optional<Holder> holderOfToken(byte[] tokenHash) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("tokenHash", tokenHash);
        return holder(RunnerSql.HOLDER_OF_TOKEN, parameters);
    }

    /** The runner {@code id} of {@code tenant} when the API key registered it, its call recorded as a sign of life. */
    public Optional<Holder> signOfLifeForKey(UUID apiKey, String tenant, UUID id) {
        Map<String, Object> parameters = key(tenant, id);
        parameters.put("apiKey", apiKey);
        return holder(RunnerSql.SIGN_OF_LIFE_FOR_KEY, parameters);
    }

    /** Signs of life given since the last write, stamped late (see {@link #RunnerSql.LATE_SIGNS_OF_LIFE}). */
    public void lateSignsOfLife(Collection<UUID> runners) {
        NamedSql sql = NamedSql.of(RunnerSql.LATE_SIGNS_OF_LIFE);
        transactions.run(connection -> {
            try (PreparedStatement statement = sql.prepare(connection,
                    Map.of("ids", connection.createArrayOf("uuid", runners.toArray())))) {
                return statement.executeUpdate();
            }
        });
    }

    /** Runners silent for longer than {@code silence} are offline; their jobs keep their leases until those run out. */
    public int markSilentOffline(Duration silence) {
        return count(RunnerSql.MARK_SILENT_OFFLINE, Map.of("silentMillis", silence.toMillis()));
    }

    /** Ephemeral runners unused {@code idle} after their creation are deleted; answers how many. */
    public int retireUnusedEphemeral(Duration idle) {
        return count(RunnerSql.RETIRE_UNUSED_EPHEMERAL, Map.of("idleMillis", idle.toMillis()));
    }

    /** Runs a statement that answers how many runners it changed. */
    private int count(String statement, Map<String, Object> parameters) {
        return transactions.row(statement, parameters, row -> row.getInt(1));
    }

    private Optional<Holder> holder(String statement, Map<String, Object> parameters) {
        return transactions.first(statement, parameters,
                row -> new Holder(row.getObject(1, UUID.class), row.getString(2), row.getBoolean(3)));
    }

    /** The tenant's runner of that id, if it has one. */
    public Optional<Runner> find(String tenant, UUID id) {
        return one("SELECT " + RunnerState.COLUMNS + " FROM runners r WHERE id = :id AND tenant = :tenant",
                Map.of("id", id, "tenant", tenant));
    }

    private Optional<Runner> one(String statement, Map<String, Object> parameters) {
        return transactions.first(statement, parameters, row -> RunnerRows.read(Columns.of(row)));
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
        parameters.put("ephemeral", fields.ephemeral());
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
