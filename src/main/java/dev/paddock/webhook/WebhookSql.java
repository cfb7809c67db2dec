package dev.paddock.webhook;

import dev.paddock.event.EventStore;

/**
 * Every statement that writes {@code webhooks} or {@code webhook_deliveries}: the one place their
 * rules live (a webhook's follower and cursor, a delivery's claim, retry and failure). A
 * transaction that writes both locks the webhook first, then its deliveries: two in opposite
 * orders would deadlock (a webhook set inactive fails its pending deliveries).
 */
final class WebhookSql {

    private WebhookSql() {
    }

    /** The newest numbered event of a tenant: where a new or reactivated webhook's deliveries start. */
    private static final String NEWEST_EVENT = "(SELECT coalesce(max(e.sequence), 0) FROM events e WHERE e.tenant = ?)";

    static final String CREATE = """
            INSERT INTO webhooks (id, tenant, url, events, event_patterns, description, active, secrets,
                                  fanned_out_through, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?,
            """ + NEWEST_EVENT + """
            , ?)
            RETURNING *""";

    static final String ONE = "SELECT * FROM webhooks WHERE tenant = ? AND id = ?";

    static final String ONE_FOR_UPDATE = "SELECT * FROM webhooks WHERE tenant = ? AND id = ? FOR UPDATE";

    static final String PAGE = """
            SELECT *, count(*) OVER () AS total FROM webhooks
             WHERE tenant = ?
             ORDER BY created_at DESC, id
             LIMIT ? OFFSET ?""";

    static final String COUNT = "SELECT count(*) FROM webhooks WHERE tenant = ?";

    /**
     * A change: each of url, events (with their patterns) and description when given (non-null),
     * active when given. Made active again, it is delivered the events from now on (none of those
     * it missed while inactive) and its failing clock starts over.
     */
    static final String CHANGE = """
            UPDATE webhooks w
               SET url = coalesce(?::text, w.url),
                   events = coalesce(?::text[], w.events),
                   event_patterns = coalesce(?::text[], w.event_patterns),
                   description = CASE WHEN ? THEN nullif(?::text, '') ELSE w.description END,
                   active = coalesce(?::boolean, w.active),
                   fanned_out_through = CASE WHEN coalesce(?::boolean, w.active) AND NOT w.active
                       THEN (SELECT coalesce(max(e.sequence), 0) FROM events e WHERE e.tenant = w.tenant)
                       ELSE w.fanned_out_through END,
                   failing_since = CASE WHEN coalesce(?::boolean, w.active) AND NOT w.active THEN NULL ELSE w.failing_since END,
                   updated_at = now()
             WHERE w.tenant = ? AND w.id = ?
            RETURNING *""";

    /** An inactive webhook's automatic deliveries still pending fail: nothing is sent to it until it is active again. */
    static final String FAIL_PENDING_OF_INACTIVE = """
            UPDATE webhook_deliveries d
               SET status = 'failed', last_error = 'the webhook is inactive', claim = NULL, claimed_until = NULL
              FROM webhooks w
             WHERE w.id = d.webhook_id AND w.id = ANY (?) AND NOT w.active
               AND d.status = 'pending' AND NOT d.manual""";

    static final String DELETE = "DELETE FROM webhooks WHERE tenant = ? AND id = ?";

    static final String NEW_SECRETS = """
            UPDATE webhooks SET secrets = ?, previous_secret_until = now() + interval '24 hours', updated_at = now()
             WHERE tenant = ? AND id = ?""";

    /** A delivery people asked for (ping), of a body made here: sent even to an inactive webhook. */
    static final String MANUAL = """
            INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, manual)
            SELECT id, ?, ?, ?, TRUE FROM webhooks WHERE tenant = ? AND id = ?
            RETURNING id""";

    /** One of a webhook's deliveries sent again, as a new delivery of the same event. */
    static final String REDELIVER = """
            INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, event_sequence, event_pos, body, manual)
            SELECT d.webhook_id, d.event_id, d.event_type, d.event_sequence, d.event_pos, d.body, TRUE
              FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE w.tenant = ? AND w.id = ? AND d.id = ?
            RETURNING id""";

    /** Newest first: the deliveries of one window, first attempted together at one time, newest event first. */
    static final String DELIVERIES = """
            SELECT d.*, count(*) OVER () AS total FROM webhook_deliveries d
             WHERE d.webhook_id = ?
             ORDER BY d.created_at DESC, d.event_sequence DESC NULLS FIRST, d.id
             LIMIT ? OFFSET ?""";

    static final String DELIVERY_COUNT = "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?";

    /**
     * Up to {@code ?} active webhooks behind their tenant's newest event that no replica follows
     * (or whose follower let its hold run out: it died), held for this replica ({@code ?}) until
     * {@code ?} ms from now. Rows another replica is taking are skipped.
     */
    static final String FOLLOW = """
            WITH due AS (
                SELECT w.id FROM webhooks w
                 WHERE w.active AND (w.sender_until IS NULL OR w.sender_until < now())
                   AND w.fanned_out_through < (SELECT coalesce(max(e.sequence), 0) FROM events e WHERE e.tenant = w.tenant)
                 ORDER BY w.id
                 LIMIT ?
                   FOR UPDATE SKIP LOCKED)
            UPDATE webhooks w SET sender_claim = ?, sender_until = now() + ? * interval '1 millisecond'
              FROM due
             WHERE w.id = due.id
            RETURNING w.*, w.previous_secret_until > now() AS previous_honoured""";

    /**
     * A followed webhook held on for {@code ?} ms more, as it is now, while this replica still
     * holds it ({@code ?}, {@code ?}), it is active and nobody moved its cursor from {@code ?}
     * (made active again, it starts from a newer event).
     */
    static final String FOLLOW_ON = """
            UPDATE webhooks w SET sender_until = now() + ? * interval '1 millisecond'
             WHERE w.id = ? AND w.sender_claim = ? AND w.active AND w.fanned_out_through = ?
            RETURNING w.*, w.previous_secret_until > now() AS previous_honoured""";

    /** A followed webhook let go: the next replica to find events for it takes it at once. */
    static final String UNFOLLOW = "UPDATE webhooks SET sender_claim = NULL, sender_until = NULL WHERE id = ? AND sender_claim = ?";

    /**
     * A webhook's health after attempts ({@code p.delivered}: whether one of them was delivered,
     * null when there was none): it remembers its last success or since when it fails, and one
     * failing for longer than {@code ?} ms is set inactive.
     */
    private static final String HEALTH = """
                   last_delivery_at = CASE WHEN p.delivered THEN now() ELSE w.last_delivery_at END,
                   failing_since = CASE WHEN p.delivered THEN NULL WHEN NOT p.delivered THEN coalesce(w.failing_since, now())
                                        ELSE w.failing_since END,
                   active = w.active AND (p.delivered IS NOT FALSE OR w.failing_since IS NULL
                                          OR w.failing_since >= now() - ? * interval '1 millisecond')""";

    /**
     * A window of a followed webhook's events recorded, if this replica still follows it as in
     * {@link #FOLLOW_ON} ({@code ?} webhook, {@code ?} claim, {@code ?} cursor): the first
     * attempts (arrays, one entry per event sent; a body only where a retry will send it) as
     * deliveries (delivered; pending for a retry after the wait given; failed without a wait or
     * once the webhook is set inactive), the cursor
     * moved to {@code ?} (past the events it skipped too), the hold renewed for {@code ?} ms and the
     * webhook's health. Answers the webhook as it is now, and whether it was set inactive here.
     */
    static final String FIRST_ATTEMPTS = """
            WITH attempt AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::boolean[], ?::int[],
                                     ?::text[], ?::text[], ?::int[], ?::bigint[])
                    AS a(event_id, event_type, event_sequence, event_pos, body, delivered, status_code, error, response,
                         duration_ms, retry_after_ms)),
            p AS (
                SELECT bool_or(delivered) AS delivered FROM attempt),
            changed AS (
                UPDATE webhooks w
                   SET fanned_out_through = ?, sender_until = now() + ? * interval '1 millisecond',
            """ + HEALTH + """

                  FROM p
                 WHERE w.id = ? AND w.sender_claim = ? AND w.active AND w.fanned_out_through = ?
                RETURNING w.*),
            inserted AS (
                INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, event_sequence, event_pos, body, status,
                                                attempts, last_status_code, last_error, last_response, last_attempt_at,
                                                next_attempt_at, duration_ms)
                SELECT c.id, a.event_id, a.event_type, a.event_sequence, a.event_pos, a.body,
                       CASE WHEN a.delivered THEN 'delivered'
                            WHEN a.retry_after_ms IS NULL OR NOT c.active THEN 'failed' ELSE 'pending' END,
                       1, a.status_code, a.error, a.response, now(),
                       now() + coalesce(a.retry_after_ms, 0) * interval '1 millisecond', a.duration_ms
                  FROM attempt a, changed c
                RETURNING 1),
            disabled AS (
                SELECT * FROM changed WHERE NOT active),
            """ + EventStore.WEBHOOK_DISABLED + """

            SELECT c.*, c.previous_secret_until > now() AS previous_honoured, NOT c.active AS disabled FROM changed c""";

    /**
     * Up to {@code ?} due deliveries, in order of when they are due and then of sequence, claimed
     * for this replica until {@code ?} ms from now: another replica takes one only after that (its
     * claimer died mid-send). Automatic deliveries only while their webhook is active.
     */
    static final String CLAIM_DUE = """
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                   AND (d.claimed_until IS NULL OR d.claimed_until < now())
                   AND (d.manual OR w.active)
                 ORDER BY d.next_attempt_at, d.event_sequence
                 LIMIT ?
                   FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d SET claim = ?, claimed_until = now() + ? * interval '1 millisecond'
              FROM due, webhooks w
             WHERE d.id = due.id AND w.id = d.webhook_id
            RETURNING d.id, d.event_id, d.event_type, d.event_pos, d.body, d.attempts, d.webhook_id,
                      w.tenant, w.url, w.secrets, w.previous_secret_until > now() AS previous_honoured""";

    /** The webhooks of these deliveries, locked in one order before their outcomes are recorded. */
    static final String LOCK_WEBHOOKS_OF = """
            SELECT w.id FROM webhooks w
             WHERE w.id IN (SELECT d.webhook_id FROM webhook_deliveries d WHERE d.id = ANY (?))
             ORDER BY w.id
               FOR UPDATE""";

    /**
     * The outcomes of attempts (arrays, one entry per delivery) recorded under the claim they were
     * made with (a delivery claimed again since is left to its new claimer): delivered, retried
     * after the wait given, or failed (no wait given, or its webhook was made inactive meanwhile); then
     * each webhook's health ({@link #HEALTH}), with the event of one set inactive.
     */
    static final String RECORD = """
            WITH outcome AS (
                SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::boolean[], ?::int[], ?::text[], ?::text[], ?::int[],
                                     ?::bigint[], ?::text[])
                    AS o(id, claim, delivered, status_code, error, response, duration_ms, retry_after_ms, body)),
            recorded AS (
                UPDATE webhook_deliveries d
                   SET attempts = d.attempts + 1, last_status_code = o.status_code, last_error = o.error,
                       last_response = o.response, last_attempt_at = now(), duration_ms = o.duration_ms,
                       body = coalesce(d.body, o.body), claim = NULL, claimed_until = NULL,
                       status = CASE WHEN o.delivered THEN 'delivered'
                                     WHEN o.retry_after_ms IS NULL OR NOT (d.manual OR w.active) THEN 'failed'
                                     ELSE 'pending' END,
                       next_attempt_at = CASE WHEN o.delivered OR o.retry_after_ms IS NULL THEN d.next_attempt_at
                                              ELSE now() + o.retry_after_ms * interval '1 millisecond' END
                  FROM outcome o, webhooks w
                 WHERE d.id = o.id AND d.claim = o.claim AND w.id = d.webhook_id
                RETURNING d.webhook_id, o.delivered),
            per_webhook AS (
                SELECT webhook_id, bool_or(delivered) AS delivered FROM recorded GROUP BY webhook_id),
            before AS (
                SELECT w.id, w.active FROM webhooks w JOIN per_webhook p ON p.webhook_id = w.id),
            changed AS (
                UPDATE webhooks w
                   SET
            """ + HEALTH + """

                  FROM per_webhook p
                 WHERE w.id = p.webhook_id
                RETURNING w.*),
            disabled AS (
                SELECT changed.* FROM changed JOIN before ON before.id = changed.id
                 WHERE before.active AND NOT changed.active),
            """ + EventStore.WEBHOOK_DISABLED + """

            SELECT array_agg(id) FROM disabled""";

    /**
     * Webhooks failing for longer than {@code ?} ms with no retry left to make, set inactive with
     * their event (one with a retry to come is decided when that attempt is recorded): locked in
     * one order, skipping one whose outcomes are being recorded (its record decides, or the next
     * sweep). Answers how many.
     */
    static final String DISABLE_FAILING = """
            WITH failing AS (
                SELECT w.id FROM webhooks w
                 WHERE w.active AND w.failing_since < now() - ? * interval '1 millisecond'
                   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                    WHERE d.webhook_id = w.id AND d.status = 'pending' AND NOT d.manual)
                 ORDER BY w.id
                   FOR UPDATE OF w SKIP LOCKED),
            disabled AS (
                UPDATE webhooks w SET active = FALSE FROM failing WHERE w.id = failing.id
                RETURNING w.*),
            """ + EventStore.WEBHOOK_DISABLED + """

            SELECT count(*) FROM disabled""";

    /** Finished deliveries older than the events' retention, a bounded batch at a time. */
    static final String DELETE_EXPIRED = """
            DELETE FROM webhook_deliveries
             WHERE id IN (SELECT id FROM webhook_deliveries
                           WHERE status <> 'pending' AND created_at < now() - ? * interval '1 millisecond'
                           LIMIT ?)""";
}
