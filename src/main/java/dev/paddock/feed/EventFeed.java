package dev.paddock.feed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.paddock.apikey.ApiKeyView;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Times;
import dev.paddock.db.Columns;
import dev.paddock.db.Transactions;
import dev.paddock.event.EventTypes;
import dev.paddock.dispatch.JobRows;
import dev.paddock.job.JobView;
import dev.paddock.runner.RunnerRows;
import dev.paddock.runner.RunnerView;
import dev.paddock.webhook.WebhookView;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's events in {@code sequence} order, as CloudEvents 1.0 JSON documents: each event's
 * resource (a job, a runner, an API key or a webhook) rendered as the people's GET shows it, as it was when the event
 * happened. A caller sees
 * the event types its scopes cover.
 */
@ApplicationScoped
public class EventFeed {

    /** The types each scope lets a caller read, as LIKE patterns. */
    private static final Map<String, String> TYPES_BY_SCOPE = Map.of(
            Scopes.JOBS_READ, "paddock.job.%",
            Scopes.RUNNERS_READ, "paddock.runner.%",
            Scopes.API_KEYS_MANAGE, "paddock.api\\_key.%",
            Scopes.WEBHOOKS_MANAGE, "paddock.webhook.%");

    /** The events after {@code after}, each with the row it is about as it was then. */
    private static final String AFTER = """
            SELECT e.pos, e.sequence, e.id, e.type, e.subject, e.time, e.details, e.resource
              FROM events e
             WHERE e.tenant = ? AND e.sequence > ?
               AND e.type LIKE ANY (?) AND e.type LIKE ANY (?)
             ORDER BY e.sequence
             LIMIT ?""";

    /** The newest numbered events of the types the caller may see, in sequence order. */
    private static final String NEWEST_EVENTS = """
            SELECT * FROM (
                SELECT e.pos, e.sequence, e.id, e.type, e.subject, e.time, e.details, e.resource
                  FROM events e
                 WHERE e.tenant = ? AND e.sequence IS NOT NULL AND e.type LIKE ANY (?)
                 ORDER BY e.sequence DESC
                 LIMIT ?) newest
             ORDER BY sequence""";

    /** The sequence of a tenant's newest numbered event: each event numbered up to it is committed. */
    private static final String NEWEST = "SELECT coalesce(max(sequence), 0) FROM events WHERE tenant = ?";

    /** Events by position, of any type. */
    private static final String AT = """
            SELECT e.pos, e.sequence, e.id, e.type, e.subject, e.time, e.details, e.resource
              FROM events e
             WHERE e.tenant = ? AND e.pos = ANY (?)
             ORDER BY e.pos""";

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    /** An event's details as a map: the type resolved once, not at each event (bench/RESULTS.md). */
    private ObjectReader details;

    @PostConstruct
    void readers() {
        details = json.readerFor(OBJECT);
    }

    public record Page(List<Map<String, Object>> events, long nextAfter) {
    }

    /**
     * A window of a tenant's events for a webhook's follower: each as its CloudEvent, by position,
     * in sequence order; {@code through}: where the next window starts, past the events of other
     * types too.
     */
    public record Window(Map<Long, Map<String, Object>> events, long through) {
    }

    /**
     * Up to {@code limit} of the tenant's events after {@code after} whose type the caller may see
     * and matches one of {@code types} (exact, or a prefix ending in {@code *}; every type when
     * empty).
     */
    public Page after(Person person, long after, List<String> types, int limit) {
        String[] allowed = allowedTypes(person);
        String[] wanted = types.isEmpty() ? new String[] {"%"}
                : types.stream().map(EventTypes::likePattern).toArray(String[]::new);
        List<Map<String, Object>> events = transactions.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(AFTER)) {
                select.setString(1, person.tenant());
                select.setLong(2, after);
                select.setArray(3, connection.createArrayOf("text", allowed));
                select.setArray(4, connection.createArrayOf("text", wanted));
                select.setInt(5, limit);
                return new ArrayList<>(rendered(person.tenant(), select).values());
            }
        });
        long next = events.isEmpty() ? after : Long.parseLong((String) events.get(events.size() - 1).get("sequence"));
        return new Page(events, next);
    }

    /**
     * The caller's newest {@code limit} events (those its scopes cover), oldest first, and the
     * sequence a feed of what follows starts after: what a page opening on the feed shows first.
     */
    public Page newest(Person person, int limit) {
        String[] allowed = allowedTypes(person);
        return transactions.run(connection -> {
            long newest;
            try (PreparedStatement select = connection.prepareStatement(NEWEST)) {
                select.setString(1, person.tenant());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    newest = row.getLong(1);
                }
            }
            try (PreparedStatement select = connection.prepareStatement(NEWEST_EVENTS)) {
                select.setString(1, person.tenant());
                select.setArray(2, connection.createArrayOf("text", allowed));
                select.setInt(3, limit);
                List<Map<String, Object>> events = new ArrayList<>(rendered(person.tenant(), select).values());
                // past the newest read first and the last shown (numbered in between): none twice;
                // events of other types numbered after the last shown are not the caller's
                long last = events.isEmpty() ? 0 : Long.parseLong((String) events.get(events.size() - 1).get("sequence"));
                return new Page(events, Math.max(newest, last));
            }
        });
    }

    /**
     * Up to {@code limit} of the tenant's events after {@code after} whose type matches one of
     * {@code patterns} (LIKE patterns). A window that is not full took every such event up to the
     * newest numbered before it was read, so the next starts after that one.
     */
    public Window window(String tenant, long after, List<String> patterns, int limit) {
        return transactions.run(connection -> {
            long newest;
            try (PreparedStatement select = connection.prepareStatement(NEWEST)) {
                select.setString(1, tenant);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    newest = row.getLong(1);
                }
            }
            Map<Long, Map<String, Object>> events;
            try (PreparedStatement select = connection.prepareStatement(AFTER)) {
                select.setString(1, tenant);
                select.setLong(2, after);
                select.setArray(3, connection.createArrayOf("text", patterns.toArray()));
                select.setArray(4, connection.createArrayOf("text", new Object[] {"%"}));
                select.setInt(5, limit);
                events = rendered(tenant, select);
            }
            long last = events.values().stream().mapToLong(event -> Long.parseLong((String) event.get("sequence")))
                    .max().orElse(after);
            return new Window(events, events.size() < limit ? Math.max(newest, last) : last);
        });
    }

    /** The tenant's events at these positions (whatever their type), each as its CloudEvent, by position. */
    public Map<Long, Map<String, Object>> at(String tenant, Collection<Long> positions) {
        return transactions.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(AT)) {
                select.setString(1, tenant);
                select.setArray(2, connection.createArrayOf("bigint", positions.toArray()));
                return rendered(tenant, select);
            }
        });
    }

    /** The event types the caller's scopes let it read, as LIKE patterns. */
    private static String[] allowedTypes(Person person) {
        return TYPES_BY_SCOPE.entrySet().stream().filter(entry -> person.has(entry.getKey()))
                .map(Map.Entry::getValue).toArray(String[]::new);
    }

    /** The events {@code select} reads, in its order, each with the resource it is about. */
    private Map<Long, Map<String, Object>> rendered(String tenant, PreparedStatement select)
            throws SQLException {
        Map<Long, Map<String, Object>> read = new LinkedHashMap<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                read.put(rows.getLong("pos"), event(tenant, rows));
            }
        }
        return read;
    }

    /** The resource an event is about, as the people's GET shows it: {@code kind} names it (job, runner, …). */
    private static Object resource(String kind, Columns row) throws SQLException {
        return switch (kind) {
            case "job" -> JobView.of(JobRows.read(row));
            case "runner" -> RunnerView.of(RunnerRows.read(row));
            case "api_key" -> ApiKeyView.read(row);
            case "webhook" -> WebhookView.read(row);
            default -> throw new SQLException("an event about a " + kind + ", which has no view");
        };
    }

    private Map<String, Object> event(String tenant, ResultSet row) throws SQLException {
        String type = row.getString("type");
        String kind = type.split("\\.")[1];
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(kind, resource(kind, Columns.ofSnapshot(row.getString("resource"))));
        try {
            data.putAll(details.<Map<String, Object>>readValue(row.getString("details")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("an event's details are not a JSON object", e);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", row.getObject("id", UUID.class));
        event.put("source", "paddock/" + tenant);
        event.put("type", type);
        event.put("subject", row.getObject("subject", UUID.class));
        event.put("time", Times.out(row.getObject("time", OffsetDateTime.class).toInstant()));
        event.put("datacontenttype", "application/json");
        event.put("sequence", Long.toString(row.getLong("sequence")));
        event.put("data", data);
        return event;
    }
}
