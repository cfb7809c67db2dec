package dev.paddock.feed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.apikey.ApiKeyView;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Times;
import dev.paddock.db.Transactions;
import dev.paddock.dispatch.JobRows;
import dev.paddock.dispatch.RowReader;
import dev.paddock.job.JobView;
import dev.paddock.runner.RunnerRows;
import dev.paddock.runner.RunnerView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's events in {@code sequence} order, as CloudEvents 1.0 JSON documents: each event's
 * resource (a job, a runner or an API key) rendered as the people's GET shows it, as it was when the event
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

    /** The events after {@code after}: their own columns; the resources they are about are read next. */
    private static final String AFTER = """
            SELECT e.pos, e.sequence, e.id, e.type, e.subject, e.time, e.details
              FROM events e
             WHERE e.tenant = ? AND e.sequence > ?
               AND e.type LIKE ANY (?) AND e.type LIKE ANY (?)
             ORDER BY e.sequence
             LIMIT ?""";

    /** The jobs these events are about, as they were: the snapshots rendered back into rows of {@code jobs}. */
    private static final String JOBS_AS_THEY_WERE = """
            SELECT e.pos AS event_pos, j.*
              FROM events e, jsonb_populate_record(NULL::jobs, e.resource) j
             WHERE e.pos = ANY (?)""";

    /** The API keys these events are about, as they were. */
    private static final String API_KEYS_AS_THEY_WERE = """
            SELECT e.pos AS event_pos, k.*
              FROM events e, jsonb_populate_record(NULL::api_keys, e.resource) k
             WHERE e.pos = ANY (?)""";

    /** The runners these events are about, as they were. */
    private static final String RUNNERS_AS_THEY_WERE = """
            SELECT e.pos AS event_pos, r.*
              FROM events e, jsonb_populate_record(NULL::runners, e.resource) r
             WHERE e.pos = ANY (?)""";

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    public record Page(List<Map<String, Object>> events, long nextAfter) {
    }

    /**
     * Up to {@code limit} of the tenant's events after {@code after} whose type the caller may see
     * and matches one of {@code types} (exact, or a prefix ending in {@code *}; every type when
     * empty).
     */
    public Page after(Person person, long after, List<String> types, int limit) {
        String[] allowed = TYPES_BY_SCOPE.entrySet().stream().filter(entry -> person.has(entry.getKey()))
                .map(Map.Entry::getValue).toArray(String[]::new);
        String[] wanted = types.isEmpty() ? new String[] {"%"}
                : types.stream().map(EventFeed::pattern).toArray(String[]::new);
        List<Map<String, Object>> events = transactions.run(connection -> {
            List<Map<String, Object>> read = new ArrayList<>();
            Map<Long, Map<String, Object>> jobEvents = new HashMap<>();
            Map<Long, Map<String, Object>> runnerEvents = new HashMap<>();
            Map<Long, Map<String, Object>> apiKeyEvents = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(AFTER)) {
                select.setString(1, person.tenant());
                select.setLong(2, after);
                select.setArray(3, connection.createArrayOf("text", allowed));
                select.setArray(4, connection.createArrayOf("text", wanted));
                select.setInt(5, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Map<String, Object> event = event(person.tenant(), rows);
                        read.add(event);
                        String type = (String) event.get("type");
                        (type.startsWith("paddock.job.") ? jobEvents : type.startsWith("paddock.runner.") ? runnerEvents
                                : apiKeyEvents).put(rows.getLong("pos"), event);
                    }
                }
            }
            render(connection, JOBS_AS_THEY_WERE, jobEvents, "job", row -> JobView.of(JobRows.read(row, json)));
            render(connection, RUNNERS_AS_THEY_WERE, runnerEvents, "runner",
                    row -> RunnerView.of(RunnerRows.read(row, json)));
            render(connection, API_KEYS_AS_THEY_WERE, apiKeyEvents, "api_key", ApiKeyView::read);
            return read;
        });
        long next = events.isEmpty() ? after : Long.parseLong((String) events.get(events.size() - 1).get("sequence"));
        return new Page(events, next);
    }

    /**
     * Puts into each event's data, first, the resource it is about as it was ({@code key}: job or
     * runner), read with {@code statement} from the events' snapshots.
     */
    private static void render(Connection connection, String statement, Map<Long, Map<String, Object>> events,
                               String key, RowReader<Object> view) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement(statement)) {
            select.setArray(1, connection.createArrayOf("bigint", events.keySet().toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data = (Map<String, Object>) events.get(rows.getLong("event_pos")).get("data");
                    Map<String, Object> withResource = new LinkedHashMap<>();
                    withResource.put(key, view.read(rows));
                    withResource.putAll(data);
                    data.clear();
                    data.putAll(withResource);
                }
            }
        }
    }

    /** {@code paddock.job.*} is a prefix; anything else one type. */
    static String pattern(String type) {
        String escaped = type.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return escaped.endsWith("*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped;
    }

    private Map<String, Object> event(String tenant, ResultSet row) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        try {
            data.putAll(json.readValue(row.getString("details"), OBJECT));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("an event's details are not a JSON object", e);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", row.getObject("id", UUID.class));
        event.put("source", "paddock/" + tenant);
        event.put("type", row.getString("type"));
        event.put("subject", row.getObject("subject", UUID.class));
        event.put("time", Times.out(row.getObject("time", OffsetDateTime.class).toInstant()));
        event.put("datacontenttype", "application/json");
        event.put("sequence", Long.toString(row.getLong("sequence")));
        event.put("data", data);
        return event;
    }
}
