package dev.paddock.webhook;

import dev.paddock.db.Transactions;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The senders' side of deliveries, safe on every replica at once: webhooks followed by one replica
 * at a time, which makes the first attempts of their events and records them a window at a time;
 * claims on due deliveries (retries, ping, redeliver), and the recorded outcomes of their attempts.
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

    /**
     * Webhooks' secrets as decrypted, by their ciphertext: a follower reads its webhook again with
     * every window, and decrypting it each time was a twentieth of the sending. A changed secret
     * is another ciphertext; the map is emptied when it holds more than {@value #SECRETS_KEPT}.
     */
    private final Map<ByteBuffer, Map<String, String>> decrypted = new ConcurrentHashMap<>();
    private static final int SECRETS_KEPT = 1_000;

    /**
     * A webhook this replica follows as {@code claim}: the first attempts of its events after
     * {@code cursor} whose type matches one of {@code patterns} (LIKE patterns) are made here.
     */
    public record Followed(UUID id, UUID claim, String tenant, String url, List<String> keys, List<String> patterns,
                           long cursor) {
    }

    /**
     * The first attempt of one of a followed webhook's events; {@code retryAfter} as in {@link Outcome}.
     * {@code body}: the body sent, for the retries; null once delivered (redeliver renders it again).
     */
    public record FirstAttempt(UUID eventId, String eventType, long sequence, long pos, String body, boolean delivered,
                               Integer statusCode, String error, String response, int durationMs, Duration retryAfter) {
    }

    /** Up to {@code limit} webhooks with events to send that no replica follows, followed from here for {@code hold}. */
    public List<Followed> follow(int limit, Duration hold) {
        UUID claim = UUID.randomUUID();
        return transactions.run(connection -> {
            List<Followed> followed = new ArrayList<>();
            try (PreparedStatement follow = connection.prepareStatement(WebhookSql.FOLLOW)) {
                follow.setInt(1, limit);
                follow.setObject(2, claim);
                follow.setLong(3, hold.toMillis());
                try (ResultSet rows = follow.executeQuery()) {
                    while (rows.next()) {
                        followed.add(followed(rows, claim));
                    }
                }
            }
            return followed;
        });
    }

    /**
     * The webhook held on for {@code hold} more, as it is now (its URL and secrets may have
     * changed); null when this replica no longer follows it (inactive, deleted, taken over).
     */
    public Followed followOn(Followed webhook, Duration hold) {
        return transactions.run(connection -> {
            try (PreparedStatement followOn = connection.prepareStatement(WebhookSql.FOLLOW_ON)) {
                followOn.setLong(1, hold.toMillis());
                followOn.setObject(2, webhook.id());
                followOn.setObject(3, webhook.claim());
                followOn.setLong(4, webhook.cursor());
                try (ResultSet row = followOn.executeQuery()) {
                    return row.next() ? followed(row, webhook.claim()) : null;
                }
            }
        });
    }

    /** This replica stops following the webhook. */
    public void unfollow(Followed webhook) {
        transactions.run(connection -> {
            try (PreparedStatement unfollow = connection.prepareStatement(WebhookSql.UNFOLLOW)) {
                unfollow.setObject(1, webhook.id());
                unfollow.setObject(2, webhook.claim());
                return unfollow.executeUpdate();
            }
        });
    }

    /**
     * Records the first attempts of a window of the webhook's events and moves its cursor to
     * {@code through} (past the events of other types too), holding it for {@code hold} more;
     * answers it as it is now, or null when this replica no longer follows it (then nothing was
     * recorded: whoever follows it next sends the window again) or it was set inactive here.
     */
    public Followed firstAttempts(Followed webhook, List<FirstAttempt> attempts, long through, Duration hold,
                                  Duration disableAfter) {
        return transactions.inTransaction(() -> transactions.run(connection -> {
            try (PreparedStatement record = connection.prepareStatement(WebhookSql.FIRST_ATTEMPTS)) {
                int size = attempts.size();
                Object[][] columns = new Object[11][size];
                for (int i = 0; i < size; i++) {
                    FirstAttempt attempt = attempts.get(i);
                    Object[] values = {attempt.eventId(), attempt.eventType(), attempt.sequence(), attempt.pos(),
                            attempt.body(), attempt.delivered(), attempt.statusCode(), attempt.error(), attempt.response(),
                            attempt.durationMs(), attempt.retryAfter() == null ? null : attempt.retryAfter().toMillis()};
                    for (int column = 0; column < values.length; column++) {
                        columns[column][i] = values[column];
                    }
                }
                String[] types = {"uuid", "text", "bigint", "bigint", "text", "boolean", "integer", "text", "text",
                        "integer", "bigint"};
                for (int column = 0; column < types.length; column++) {
                    record.setArray(column + 1, connection.createArrayOf(types[column], columns[column]));
                }
                record.setLong(12, through);
                record.setLong(13, hold.toMillis());
                record.setLong(14, disableAfter.toMillis());
                record.setObject(15, webhook.id());
                record.setObject(16, webhook.claim());
                record.setLong(17, webhook.cursor());
                try (ResultSet row = record.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    if (row.getBoolean("disabled")) {
                        failPendingOfInactive(connection, connection.createArrayOf("uuid", new Object[] {webhook.id()}));
                        return null;
                    }
                    return followed(row, webhook.claim());
                }
            }
        }));
    }

    private Followed followed(ResultSet row, UUID claim) throws java.sql.SQLException {
        return new Followed(row.getObject("id", UUID.class), claim, row.getString("tenant"), row.getString("url"),
                keys(row), List.of((String[]) row.getArray("event_patterns").getArray()), row.getLong("fanned_out_through"));
    }

    /** The secrets a body is signed with: the current one, and the previous one while it is honoured. */
    private List<String> keys(ResultSet row) throws java.sql.SQLException {
        Map<String, String> secrets = decrypted(row.getBytes("secrets"));
        List<String> keys = new ArrayList<>(List.of(secrets.get("current")));
        if (row.getBoolean("previous_honoured") && secrets.containsKey("previous")) {
            keys.add(secrets.get("previous"));
        }
        return keys;
    }

    private Map<String, String> decrypted(byte[] ciphertext) {
        ByteBuffer key = ByteBuffer.wrap(ciphertext);
        Map<String, String> secrets = decrypted.get(key);
        if (secrets == null) {
            if (decrypted.size() >= SECRETS_KEPT) {
                decrypted.clear();
            }
            secrets = cipher.decrypt(ciphertext);
            decrypted.put(key, secrets);
        }
        return secrets;
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
                        claimed.add(new Claimed(rows.getObject("id", UUID.class), claim,
                                rows.getObject("event_id", UUID.class), rows.getString("event_type"),
                                (Long) rows.getObject("event_pos"), rows.getString("body"), rows.getInt("attempts"),
                                rows.getObject("webhook_id", UUID.class), rows.getString("tenant"),
                                rows.getString("url"), keys(rows)));
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
            Object[] ids = outcomes.stream().map(outcome -> outcome.delivery().id()).toArray();
            try (PreparedStatement lock = connection.prepareStatement(WebhookSql.LOCK_WEBHOOKS_OF)) {
                lock.setArray(1, connection.createArrayOf("uuid", ids));
                lock.executeQuery().close();
            }
            try (PreparedStatement record = connection.prepareStatement(WebhookSql.RECORD)) {
                int size = outcomes.size();
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

    /**
     * Webhooks failing for longer than {@code disableAfter} whose retries have all been made, set
     * inactive (with their event): what {@link #record} does when an attempt fails past that
     * time, for a webhook whose last retry came before it.
     */
    public void disableFailing(Duration disableAfter) {
        transactions.inTransaction(() -> transactions.run(connection -> {
            try (PreparedStatement disable = connection.prepareStatement(WebhookSql.DISABLE_FAILING)) {
                disable.setLong(1, disableAfter.toMillis());
                disable.executeQuery().close();
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
