package dev.paddock.webhook;

import dev.paddock.db.Transactions;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The senders' side of deliveries, safe on every replica at once: the fan-out of numbered events
 * into deliveries, claims on due deliveries, and the recorded outcomes of attempts.
 */
@ApplicationScoped
public class Deliveries {

    /** A delivery claimed for one attempt; {@code body} is null until its first attempt renders it. */
    public record Claimed(UUID id, UUID claim, UUID eventId, String eventType, Long eventPos, String body,
                          int attempts, UUID webhookId, String tenant, String url, List<String> keys) {
    }

    /**
     * How an attempt ended: delivered, or not with a wait before the next attempt ({@code null}: no
     * more attempts). {@code body}: the body sent, kept for the retries.
     */
    public record Outcome(Claimed delivery, boolean delivered, Integer statusCode, String error, String response,
                          int durationMs, Duration retryAfter, String body) {
    }

    @Inject
    Transactions transactions;

    @Inject
    SecretCipher cipher;

    /** Turns the events numbered since the last fan-out into deliveries; answers how many it made. */
    public int fanOut() {
        int made = 0;
        while (true) {
            long[] advancedAndInserted = transactions.run(connection -> {
                try (PreparedStatement fanOut = connection.prepareStatement(WebhookSql.FAN_OUT);
                     ResultSet row = fanOut.executeQuery()) {
                    row.next();
                    return new long[] {row.getLong(1), row.getLong(2)};
                }
            });
            made += (int) advancedAndInserted[1];
            if (advancedAndInserted[0] == 0) {
                return made;
            }
        }
    }

    /** Up to {@code limit} due deliveries, claimed for this replica for {@code lease}. */
    public List<Claimed> claim(int limit, Duration lease) {
        UUID claim = UUID.randomUUID();
        return transactions.run(connection -> {
            List<Claimed> claimed = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(WebhookSql.CLAIM_DUE)) {
                select.setInt(1, limit);
                select.setObject(2, claim);
                select.setLong(3, lease.toMillis());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Map<String, String> secrets = cipher.decrypt(rows.getBytes("secrets"));
                        List<String> keys = new ArrayList<>(List.of(secrets.get("current")));
                        if (rows.getBoolean("previous_honoured") && secrets.containsKey("previous")) {
                            keys.add(secrets.get("previous"));
                        }
                        claimed.add(new Claimed(rows.getObject("id", UUID.class), claim,
                                rows.getObject("event_id", UUID.class), rows.getString("event_type"),
                                (Long) rows.getObject("event_pos"), rows.getString("body"), rows.getInt("attempts"),
                                rows.getObject("webhook_id", UUID.class), rows.getString("tenant"),
                                rows.getString("url"), keys));
                    }
                }
            }
            return claimed;
        });
    }

    /**
     * Records attempts' outcomes in one statement; webhooks failing for longer than
     * {@code disableAfter} are set inactive (with their event) and their pending deliveries fail.
     */
    public void record(List<Outcome> outcomes, Duration disableAfter) {
        transactions.inTransaction(() -> transactions.run(connection -> {
            Array disabled;
            try (PreparedStatement record = connection.prepareStatement(WebhookSql.RECORD)) {
                int size = outcomes.size();
                Object[] ids = new Object[size];
                Object[] claims = new Object[size];
                Object[] delivered = new Object[size];
                Object[] codes = new Object[size];
                Object[] errors = new Object[size];
                Object[] responses = new Object[size];
                Object[] durations = new Object[size];
                Object[] waits = new Object[size];
                Object[] bodies = new Object[size];
                for (int i = 0; i < size; i++) {
                    Outcome outcome = outcomes.get(i);
                    ids[i] = outcome.delivery().id();
                    claims[i] = outcome.delivery().claim();
                    delivered[i] = outcome.delivered();
                    codes[i] = outcome.statusCode();
                    errors[i] = outcome.error();
                    responses[i] = outcome.response();
                    durations[i] = outcome.durationMs();
                    waits[i] = outcome.retryAfter() == null ? null : outcome.retryAfter().toMillis();
                    bodies[i] = outcome.body();
                }
                record.setArray(1, connection.createArrayOf("uuid", ids));
                record.setArray(2, connection.createArrayOf("uuid", claims));
                record.setArray(3, connection.createArrayOf("boolean", delivered));
                record.setArray(4, connection.createArrayOf("integer", codes));
                record.setArray(5, connection.createArrayOf("text", errors));
                record.setArray(6, connection.createArrayOf("text", responses));
                record.setArray(7, connection.createArrayOf("integer", durations));
                record.setArray(8, connection.createArrayOf("bigint", waits));
                record.setArray(9, connection.createArrayOf("text", bodies));
                record.setLong(10, disableAfter.toMillis());
                try (ResultSet row = record.executeQuery()) {
                    row.next();
                    disabled = row.getArray(1);
                }
            }
            if (disabled != null) {
                failPendingOfInactive(connection, disabled);
            }
            return null;
        }));
    }

    /** The pending automatic deliveries of these webhooks, if inactive, fail. */
    static void failPendingOfInactive(Connection connection, Array webhooks) throws java.sql.SQLException {
        try (PreparedStatement fail = connection.prepareStatement(WebhookSql.FAIL_PENDING_OF_INACTIVE)) {
            fail.setArray(1, webhooks);
            fail.executeUpdate();
        }
    }

    /** Deletes one batch of finished deliveries older than {@code retention}; answers how many. */
    public int deleteExpired(Duration retention, int batch) {
        return transactions.run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(WebhookSql.DELETE_EXPIRED)) {
                delete.setLong(1, retention.toMillis());
                delete.setInt(2, batch);
                return delete.executeUpdate();
            }
        });
    }
}
