package dev.paddock.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.TextLength;
import dev.paddock.db.Columns;
import dev.paddock.auth.Person;
import dev.paddock.common.Bodies;
import dev.paddock.common.PageRequest;
import dev.paddock.common.PaddockConfig;
import dev.paddock.common.Times;
import dev.paddock.db.Transactions;
import dev.paddock.event.EventTypes;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** People's webhooks: create, read, change, delete, rotate the secret, ping, the delivery log, redeliver. */
@ApplicationScoped
public class WebhookService {

    /** Fired when a delivery was made here for people (ping, redeliver): this replica's senders look at once. */
    public record DeliveryAdded() {
    }

    @Inject
    Transactions transactions;

    @Inject
    SecretCipher cipher;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Bodies bodies;

    @Inject
    Event<DeliveryAdded> added;

    /** Resolves webhook hosts when they are saved; replaced in tests of the guard only. */
    UrlGuard.Resolver resolver = UrlGuard.SYSTEM;

    /** {@code request} as sent: its fields are checked here, every invalid one listed in one 400. */
    public WebhookView.Created create(Person person, WebhookRequests.Create request) {
        List<FieldError> errors = new ArrayList<>();
        String url = checkedUrl(request.url(), errors);
        List<String> events = request.events() == null ? List.of() : checkedEvents(request.events(), errors);
        text(request.description(), "description", errors);
        bodies.valid(request, errors);
        String key = WebhookSecrets.newKey();
        WebhookView webhook = one(WebhookSql.CREATE, UUID.randomUUID(), person.tenant(), url,
                events.toArray(String[]::new), patterns(events), blankToNull(request.description()),
                request.active() == null || request.active(), cipher.encrypt(Map.of("current", key)),
                person.tenant(), person.subject());
        return new WebhookView.Created(webhook, WebhookSecrets.shown(key));
    }

    public WebhookView.Page list(Person person, PageRequest page) {
        return transactions.run(connection -> {
            List<WebhookView> webhooks = new ArrayList<>();
            long total = -1;
            try (PreparedStatement select = connection.prepareStatement(WebhookSql.PAGE)) {
                select.setString(1, person.tenant());
                select.setInt(2, page.limit());
                select.setInt(3, page.offset());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        webhooks.add(WebhookView.read(Columns.of(rows)));
                        total = rows.getLong("total");
                    }
                }
            }
            if (total < 0) {
                total = count(connection, WebhookSql.COUNT, person.tenant());
            }
            return new WebhookView.Page(webhooks, total, page.limit(), page.offset(), page.page(), page.perPage());
        });
    }

    public WebhookView get(Person person, UUID id) {
        return one(WebhookSql.ONE, person.tenant(), id);
    }

    /** {@code request} as sent: its fields are checked here, every invalid one listed in one 400. */
    public WebhookView change(Person person, UUID id, WebhookRequests.Change request) {
        List<FieldError> errors = new ArrayList<>();
        String url = request.url() == null ? null : checkedUrl(request.url(), errors);
        List<String> events = request.events() == null ? null : checkedEvents(request.events(), errors);
        text(request.description(), "description", errors);
        bodies.valid(request, errors);
        return transactions.inTransaction(() -> {
            WebhookView changed = one(WebhookSql.CHANGE, url, events == null ? null : events.toArray(String[]::new),
                    events == null ? null : patterns(events), request.description() != null,
                    request.description() == null ? null : request.description().trim(), request.active(),
                    request.active(), request.active(), person.tenant(), id);
            if (!changed.active()) {
                transactions.run(connection -> {
                    Deliveries.failPendingOfInactive(connection, connection.createArrayOf("uuid", new Object[] {id}));
                    return null;
                });
            }
            return changed;
        });
    }

    public void delete(Person person, UUID id) {
        int deleted = transactions.run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(WebhookSql.DELETE)) {
                delete.setString(1, person.tenant());
                delete.setObject(2, id);
                return delete.executeUpdate();
            }
        });
        if (deleted == 0) {
            throw ProblemException.notFound("webhook");
        }
    }

    /** A new secret; the old one keeps signing beside it for 24 hours. */
    public WebhookView.Secret rotateSecret(Person person, UUID id) {
        String key = WebhookSecrets.newKey();
        transactions.inTransaction(() -> transactions.run(connection -> {
            byte[] sealed;
            try (PreparedStatement select = connection.prepareStatement(WebhookSql.ONE_FOR_UPDATE)) {
                select.setString(1, person.tenant());
                select.setObject(2, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw ProblemException.notFound("webhook");
                    }
                    sealed = row.getBytes("secrets");
                }
            }
            try (PreparedStatement update = connection.prepareStatement(WebhookSql.NEW_SECRETS)) {
                update.setBytes(1, cipher.encrypt(Map.of("current", key,
                        "previous", cipher.decrypt(sealed).get("current"))));
                update.setString(2, person.tenant());
                update.setObject(3, id);
                return update.executeUpdate();
            }
        }));
        return new WebhookView.Secret(WebhookSecrets.shown(key));
    }

    /** A {@code paddock.webhook.ping} event, sent to this webhook alone (active or not). */
    public void ping(Person person, UUID id) {
        WebhookView webhook = get(person, id);
        UUID eventId = UUID.randomUUID();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", eventId);
        event.put("source", "paddock/" + person.tenant());
        event.put("type", EventTypes.WEBHOOK_PING);
        event.put("subject", id);
        event.put("time", Times.out(Instant.now()));
        event.put("datacontenttype", "application/json");
        event.put("data", Map.of("webhook", webhook));
        String body;
        try {
            body = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ping could not be written", e);
        }
        insertDelivery(WebhookSql.MANUAL, eventId, EventTypes.WEBHOOK_PING, body, person.tenant(), id);
    }

    public void redeliver(Person person, UUID id, UUID deliveryId) {
        get(person, id);
        if (!insertDelivery(WebhookSql.REDELIVER, person.tenant(), id, deliveryId)) {
            throw ProblemException.notFound("delivery");
        }
    }

    public DeliveryView.Page deliveries(Person person, UUID id, PageRequest page) {
        get(person, id);
        return transactions.run(connection -> {
            List<DeliveryView> deliveries = new ArrayList<>();
            long total = -1;
            try (PreparedStatement select = connection.prepareStatement(WebhookSql.DELIVERIES)) {
                select.setObject(1, id);
                select.setInt(2, page.limit());
                select.setInt(3, page.offset());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        deliveries.add(DeliveryView.read(Columns.of(rows)));
                        total = rows.getLong("total");
                    }
                }
            }
            if (total < 0) {
                total = count(connection, WebhookSql.DELIVERY_COUNT, id);
            }
            return new DeliveryView.Page(deliveries, total, page.limit(), page.offset(), page.page(), page.perPage());
        });
    }

    private boolean insertDelivery(String sql, Object... values) {
        boolean inserted = transactions.run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                bind(insert, values);
                try (ResultSet row = insert.executeQuery()) {
                    return row.next();
                }
            }
        });
        if (inserted) {
            added.fire(new DeliveryAdded());
        }
        return inserted;
    }

    private String checkedUrl(String url, List<FieldError> errors) {
        if (url == null || url.isBlank()) {
            errors.add(new FieldError("url", "must not be blank"));
            return null;
        }
        try {
            UrlGuard.checkSaved(url.trim(), config.webhooks().allowPrivateNetworks(), resolver);
        } catch (UrlGuard.Refused refused) {
            errors.add(new FieldError("url", refused.getMessage()));
        }
        return url.trim();
    }

    private static List<String> checkedEvents(List<String> events, List<FieldError> errors) {
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String name = events.get(i) == null ? "" : events.get(i).trim();
            if (!EventTypes.known(name)) {
                errors.add(new FieldError("events[" + i + "]", "is not an event type, nor a prefix of one ending in *: "
                        + "one of " + String.join(", ", EventTypes.ALL)));
            } else if (!checked.contains(name)) {
                checked.add(name);
            }
        }
        return checked;
    }

    private static void text(String value, String field, List<FieldError> errors) {
        if (value != null && TextLength.of(value) > 1000) {
            errors.add(new FieldError(field, "must be at most 1000 characters"));
        }
    }

    private static String[] patterns(List<String> events) {
        return events.stream().map(EventTypes::likePattern).toArray(String[]::new);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static long count(Connection connection, String sql, Object key) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(sql)) {
            count.setObject(1, key);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private WebhookView one(String sql, Object... values) {
        return transactions.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, values);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        throw ProblemException.notFound("webhook");
                    }
                    return WebhookView.read(Columns.of(row));
                }
            }
        });
    }

    private static void bind(PreparedStatement statement, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof String[] texts) {
                statement.setArray(i + 1, statement.getConnection().createArrayOf("text", texts));
            } else if (value instanceof byte[] bytes) {
                statement.setBytes(i + 1, bytes);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }
}
