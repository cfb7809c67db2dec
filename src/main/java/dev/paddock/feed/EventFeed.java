package dev.paddock.feed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Times;
import dev.paddock.db.Transactions;
import dev.paddock.dispatch.JobRows;
import dev.paddock.job.JobView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's events in {@code sequence} order, as CloudEvents 1.0 JSON documents: each event's
 * resource rendered as the people's GET shows it, as it was when the event happened. A caller sees
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

    /**
     * The events after {@code after}: the event's own columns, then the job it is about as it was
     * (the snapshot rendered back into a {@code jobs} row).
     */
    private static final String AFTER = """
            SELECT e.sequence AS event_sequence, e.id AS event_id, e.type AS event_type,
                   e.subject AS event_subject, e.time AS event_time, e.details AS event_details, j.*
              FROM events e, jsonb_populate_record(NULL::jobs, e.resource) j
             WHERE e.tenant = ? AND e.sequence > ?
               AND e.type LIKE ANY (?) AND e.type LIKE ANY (?)
             ORDER BY e.sequence
             LIMIT ?""";

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
            try (PreparedStatement select = connection.prepareStatement(AFTER)) {
                select.setString(1, person.tenant());
                select.setLong(2, after);
                select.setArray(3, connection.createArrayOf("text", allowed));
                select.setArray(4, connection.createArrayOf("text", wanted));
                select.setInt(5, limit);
                List<Map<String, Object>> read = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        read.add(event(person.tenant(), rows));
                    }
                }
                return read;
            }
        });
        long next = events.isEmpty() ? after : Long.parseLong((String) events.get(events.size() - 1).get("sequence"));
        return new Page(events, next);
    }

    /** {@code paddock.job.*} is a prefix; anything else one type. */
    static String pattern(String type) {
        String escaped = type.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return escaped.endsWith("*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped;
    }

    private Map<String, Object> event(String tenant, ResultSet row) throws SQLException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job", JobView.of(JobRows.read(row, json)));
        try {
            data.putAll(json.readValue(row.getString("event_details"), OBJECT));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("an event's details are not a JSON object", e);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", row.getObject("event_id", UUID.class));
        event.put("source", "paddock/" + tenant);
        event.put("type", row.getString("event_type"));
        event.put("subject", row.getObject("event_subject", UUID.class));
        event.put("time", Times.out(row.getObject("event_time", OffsetDateTime.class).toInstant()));
        event.put("datacontenttype", "application/json");
        event.put("sequence", Long.toString(row.getLong("event_sequence")));
        event.put("data", data);
        return event;
    }
}
