package dev.paddock.runner;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Person;
import dev.paddock.auth.RunnerCredentials;
import dev.paddock.auth.RunnerTokens;
import dev.paddock.common.Labels;
import dev.paddock.common.PageRequest;
import dev.paddock.dispatch.DispatchStore;
import dev.paddock.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The rules of the fleet: every change to a runner goes through here, in one transaction. */
@ApplicationScoped
@Transactional
public class RunnerService {

    @Inject
    EntityManager em;

    @Inject
    DispatchStore dispatch;

    @Inject
    RunnerCredentials credentials;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    /** A runner with the token just issued to it; {@code isNew} when this call created it. */
    public record Created(Runner runner, String token, boolean isNew) {
    }

    public record Filters(String status, List<String> labels, String q) {
    }

    public Created create(Person person, RunnerRequests.Create request) {
        Runner runner = new Runner();
        runner.id = UUID.randomUUID();
        runner.tenant = person.tenant();
        runner.name = request.name().trim();
        runner.labels = Labels.normalize(request.labels());
        runner.maxConcurrency = request.maxConcurrency() == null ? 5 : request.maxConcurrency();
        runner.capabilities = request.capabilities() == null ? new HashMap<>() : request.capabilities();
        runner.reportedStatus = RunnerStatus.OFFLINE;
        runner.registeredBy = person.subject();
        runner.createdAt = now();
        runner.updatedAt = runner.createdAt;
        RunnerTokens.Issued token = RunnerTokens.issue();
        runner.tokenHash = token.hash();
        runner.tokenPrefix = token.displayPrefix();
        runner.persist();
        em.flush();
        return new Created(runner, token.token(), true);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public RunnerView.Page list(String tenant, Filters filters, PageRequest page, boolean onlyAvailable) {
        StringBuilder where = new StringBuilder("tenant = :tenant");
        Parameters params = Parameters.with("tenant", tenant);
        if (filters.status() != null) {
            where.append(" and status = :status");
            params.and("status", filters.status());
        }
        if (filters.q() != null) {
            where.append(" and lower(name) like :q escape '\\'");
            params.and("q", "%" + escapeLike(filters.q().toLowerCase()) + "%");
        }
        for (int i = 0; i < filters.labels().size(); i++) {
            where.append(" and array_contains(labels, :label").append(i).append(")");
            params.and("label" + i, filters.labels().get(i));
        }
        if (onlyAvailable) {
            // the claim's own rule: the schema's free_slots
            where.append(" and freeSlots > 0");
        }
        var query = Runner.find(where + " order by lastHeartbeatAt desc nulls last, createdAt desc, id", params);
        long total = query.count();
        List<RunnerView> runners = query.range(page.offset(), page.offset() + page.limit() - 1)
                .<Runner>list().stream().map(RunnerView::of).toList();
        return new RunnerView.Page(runners, total, page.limit(), page.offset(), page.page(), page.perPage());
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Runner get(String tenant, UUID id) {
        Runner runner = Runner.findInTenant(id, tenant);
        if (runner == null) {
            throw ProblemException.notFound("Runner");
        }
        return runner;
    }

    public Runner update(String tenant, UUID id, RunnerRequests.Update request) {
        Runner runner = get(tenant, id);
        apply(runner, new Changes(request.name(), request.labels(), request.maxConcurrency(), request.capabilities(),
                null, null, null));
        return touched(runner);
    }

    /** A runner changes its own descriptive fields; never its labels or capacity. */
    public Runner updateSelf(AuthenticatedRunner self, RunnerRequests.Update request) {
        Runner runner = get(self.tenant(), self.id());
        apply(runner, new Changes(request.name(), null, null, request.capabilities(), request.version(),
                request.os(), request.arch()));
        return touched(runner);
    }

    /** The fields a request may change; null leaves a field as it is. */
    private record Changes(String name, List<String> labels, Integer maxConcurrency, Map<String, Object> capabilities,
                           String version, String os, String arch) {
    }

    private static void apply(Runner runner, Changes changes) {
        if (changes.name() != null) {
            runner.name = changes.name().trim();
        }
        if (changes.labels() != null) {
            runner.labels = Labels.normalize(changes.labels());
        }
        if (changes.maxConcurrency() != null) {
            runner.maxConcurrency = changes.maxConcurrency();
        }
        if (changes.capabilities() != null) {
            runner.capabilities = changes.capabilities();
        }
        if (changes.version() != null) {
            runner.version = changes.version();
        }
        if (changes.os() != null) {
            runner.os = changes.os();
        }
        if (changes.arch() != null) {
            runner.arch = changes.arch();
        }
    }

    public void delete(String tenant, UUID id) {
        Runner runner = get(tenant, id);
        dispatch.release(runner.id, "runner deleted; out of attempts");
        credentials.forget(runner.id);
        runner.delete();
    }

    /** The runner deregisters itself: offline, record kept, its running jobs go back to the queue. */
    public void deregister(AuthenticatedRunner self) {
        Runner runner = get(self.tenant(), self.id());
        dispatch.release(runner.id, "runner deregistered; out of attempts");
        credentials.forget(runner.id);
        runner.reportedStatus = RunnerStatus.OFFLINE;
        touched(runner);
    }

    public Created regenerateToken(String tenant, UUID id) {
        Runner runner = get(tenant, id);
        RunnerTokens.Issued token = RunnerTokens.issue();
        runner.tokenHash = token.hash();
        runner.tokenPrefix = token.displayPrefix();
        credentials.forget(runner.id);
        return new Created(touched(runner), token.token(), false);
    }

    public Runner markOffline(String tenant, UUID id) {
        Runner runner = get(tenant, id);
        runner.reportedStatus = RunnerStatus.OFFLINE;
        credentials.forget(runner.id);
        // marking offline supersedes a drain: the runner is out of service either way
        runner.drainRequested = false;
        return touched(runner);
    }

    public Runner setDrain(String tenant, UUID id, boolean drain) {
        Runner runner = get(tenant, id);
        runner.drainRequested = drain;
        if (!drain && RunnerStatus.DRAINING.equals(runner.reportedStatus)) {
            runner.reportedStatus = RunnerStatus.ONLINE;
        }
        return touched(runner);
    }

    /** What a runner reported in one heartbeat. */
    public record Report(UUID runnerId, RunnerRequests.Heartbeat heartbeat) {
    }

    /**
     * What runners report about themselves, and their signs of life, in one statement on the
     * caller's connection and transaction; answers, per runner, the status people now see (a
     * runner missing from the answer is gone). Runners are locked in id order, so batches never
     * wait on each other in a cycle. A report's active_jobs is not taken: the service counts what
     * a runner holds. One report per runner: the caller keeps the latest.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, String> recordHeartbeats(Connection connection, Collection<Report> reports) throws SQLException {
        int n = reports.size();
        Object[] ids = new Object[n];
        Object[] statuses = new Object[n];
        Object[] versions = new Object[n];
        Object[] systemInfos = new Object[n];
        int i = 0;
        for (Report report : reports) {
            RunnerRequests.Heartbeat beat = report.heartbeat();
            ids[i] = report.runnerId();
            statuses[i] = beat.status() == null ? RunnerStatus.ONLINE : beat.status();
            versions[i] = beat.version();
            systemInfos[i++] = jsonText(beat.systemInfo());
        }
        try (PreparedStatement record = connection.prepareStatement("""
                WITH beat AS (
                    SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) AS b(id, status, version, system_info)),
                locked AS (
                    SELECT r.id FROM runners r WHERE r.id IN (SELECT id FROM beat) ORDER BY r.id FOR NO KEY UPDATE)
                UPDATE runners r SET reported_status = beat.status, version = coalesce(beat.version, r.version),
                       system_info = coalesce(CAST(beat.system_info AS jsonb), r.system_info),
                       last_heartbeat_at = now(), updated_at = now()
                  FROM beat, locked
                 WHERE r.id = beat.id AND r.id = locked.id
                RETURNING r.id, r.status""")) {
            record.setArray(1, connection.createArrayOf("uuid", ids));
            record.setArray(2, connection.createArrayOf("text", statuses));
            record.setArray(3, connection.createArrayOf("text", versions));
            record.setArray(4, connection.createArrayOf("text", systemInfos));
            Map<UUID, String> status = new HashMap<>();
            try (ResultSet rows = record.executeQuery()) {
                while (rows.next()) {
                    status.put(rows.getObject(1, UUID.class), rows.getString(2));
                }
            }
            return status;
        }
    }

    /**
     * Self-registration, an upsert by id within the tenant that always issues a new token.
     * An id held by another tenant is refused and nothing changes.
     */
    public Created register(Person person, RunnerRequests.Register request) {
        UUID id = request.id() != null ? request.id() : UUID.randomUUID();
        Runner runner = Runner.findById(id);
        if (runner != null && !runner.tenant.equals(person.tenant())) {
            throw ProblemException.conflict("A runner with this id belongs to someone else.");
        }
        boolean isNew = runner == null;
        if (!isNew) {
            // re-registering issues a new token: the old one dies at once
            credentials.forget(runner.id);
        }
        if (isNew) {
            runner = new Runner();
            runner.id = id;
            runner.tenant = person.tenant();
            runner.createdAt = now();
            runner.registeredBy = person.subject();
            runner.capabilities = new HashMap<>();
            runner.labels = List.of();
            runner.maxConcurrency = 5;
            runner.name = id.toString();
            runner.version = "unknown";
        }
        apply(runner, new Changes(request.name(), request.labels(), request.maxConcurrency(), request.capabilities(),
                request.version(), request.os(), request.arch()));
        if (person.viaApiKey()) {
            runner.registeredWithKey = person.apiKeyId();
        }
        // registering is the runner's first sign of life
        runner.reportedStatus = RunnerStatus.ONLINE;
        runner.lastHeartbeatAt = now();
        RunnerTokens.Issued token = RunnerTokens.issue();
        runner.tokenHash = token.hash();
        runner.tokenPrefix = token.displayPrefix();
        runner.updatedAt = now();
        if (isNew) {
            runner.persist();
        }
        em.flush();
        return new Created(runner, token.token(), isNew);
    }

    private Runner touched(Runner runner) {
        runner.updatedAt = now();
        em.flush();
        return runner;
    }

    private static Instant now() {
        return Instant.now();
    }

    private String jsonText(Map<String, Object> value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ProblemException.invalid("system_info", "must be a JSON object");
        }
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
