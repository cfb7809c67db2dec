package dev.paddock.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.Batcher;
import dev.paddock.common.PaddockConfig;
import dev.paddock.db.SchemaAtStart;
import dev.paddock.event.EventsNumbered;
import dev.paddock.feed.EventFeed;
import dev.paddock.webhook.Deliveries;
import dev.paddock.webhook.WebhookService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Each replica's webhook sender: woken when events are numbered here, when people add a delivery
 * here, when a send ends, and every second (for retries falling due and work of the other
 * replicas; and then it sets inactive the webhooks failing too long), it follows the webhooks with
 * new events that no replica follows
 * ({@link WebhookFollowers}: their first attempts), claims as many due deliveries (retries, ping,
 * redeliver) as it has free senders, and sends each on a virtual thread. At most
 * {@code paddock.webhooks.concurrency} sends run at once, each within the timeout, so a slow
 * receiver holds one sender, never the others nor the agent path; outcomes are written in batches.
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);
    private static final long IDLE_MILLIS = 1_000;
    /** A claim or a hold outlives the attempt's timeout twice over and this much; then its replica is presumed dead. */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(5);

    @Inject
    Deliveries deliveries;

    @Inject
    EventFeed feed;

    @Inject
    WebhookSender sender;

    @Inject
    WebhookFollowers followers;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    SchemaAtStart schema;

    private final Semaphore wake = new Semaphore(0);
    /** Events were numbered, or people added a delivery, since the loop last looked. */
    private final AtomicBoolean newWork = new AtomicBoolean(true);
    private Semaphore senders;
    private Batcher<Deliveries.Outcome> outcomes;
    private volatile Thread loop;
    private volatile boolean running;
    private volatile boolean failing;

    void start(@Observes StartupEvent event) {
        int concurrency = config.webhooks().concurrency();
        if (concurrency <= 0) {
            return; // this replica sends none; the others do
        }
        senders = new Semaphore(concurrency);
        outcomes = new Batcher<>("paddock-webhook-outcomes", 1, 500, Duration.ZERO, this::record);
        running = true;
        schema.whenCurrent(() -> loop = Thread.ofPlatform().daemon().name("paddock-webhooks")
                .start(this::dispatchLoop));
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (loop != null) {
            wake.release();
            try {
                loop.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            outcomes.stop();
        }
    }

    void numbered(@Observes EventsNumbered numbered) {
        newWork.set(true);
        wake.release();
    }

    void added(@Observes WebhookService.DeliveryAdded added) {
        newWork.set(true);
        wake.release();
    }

    private long lastDisableSweep = System.nanoTime();

    private void dispatchLoop() {
        while (running) {
            try {
                boolean woken = wake.tryAcquire(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (!running) {
                    return;
                }
                // the tick and new work look for everything; a send that ended only for due work,
                // once a quarter of the senders are free (claims in batches, not one per send)
                boolean fresh = newWork.getAndSet(false) || !woken;
                if (fresh) {
                    followers.followMore(config.webhooks().concurrency(), senders, hold());
                }
                if (System.nanoTime() - lastDisableSweep >= TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
                    // each second, however busy: webhooks failing too long are set inactive even
                    // when no attempt of theirs falls due any more (their retries ended before)
                    lastDisableSweep = System.nanoTime();
                    deliveries.disableFailing(config.webhooks().disableAfter());
                }
                int free = senders.availablePermits();
                if (free > 0 && (fresh || free >= Math.max(1, config.webhooks().concurrency() / 4))) {
                    for (Deliveries.Claimed claimed : rendered(deliveries.claim(free, hold()))) {
                        senders.acquire();
                        Thread.ofVirtual().name("paddock-webhook-send").start(() -> send(claimed));
                    }
                }
                if (failing) {
                    LOG.info("Webhook deliveries are sent again");
                    failing = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warnf("Webhook deliveries not sent (%s); trying again every second", e.getMessage());
                    failing = true;
                }
            }
        }
    }

    /** How long a claim on a delivery, or a hold on a followed webhook, lasts. */
    private Duration hold() {
        return config.webhooks().timeout().multipliedBy(2).plus(CLAIM_MARGIN);
    }

    /**
     * The deliveries with their bodies: an event's first attempt renders it as the feed does (the
     * events of a tenant in one read); one whose event is no longer kept keeps a null body.
     */
    private List<Deliveries.Claimed> rendered(List<Deliveries.Claimed> claimed) {
        Map<String, List<Long>> unrendered = claimed.stream().filter(c -> c.body() == null && c.eventPos() != null)
                .collect(Collectors.groupingBy(Deliveries.Claimed::tenant,
                        Collectors.mapping(Deliveries.Claimed::eventPos, Collectors.toList())));
        Map<Long, String> bodies = new HashMap<>();
        unrendered.forEach((tenant, positions) -> feed.at(tenant, positions).forEach((pos, event) -> {
            try {
                bodies.put(pos, json.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an event could not be written", e);
            }
        }));
        List<Deliveries.Claimed> withBodies = new ArrayList<>(claimed.size());
        for (Deliveries.Claimed c : claimed) {
            withBodies.add(c.body() != null || c.eventPos() == null ? c : new Deliveries.Claimed(c.id(), c.claim(),
                    c.eventId(), c.eventType(), c.eventPos(), bodies.get(c.eventPos()), c.attempts(), c.webhookId(),
                    c.tenant(), c.url(), c.keys()));
        }
        return withBodies;
    }

    private void send(Deliveries.Claimed delivery) {
        try {
            WebhookSender.Attempt attempt = delivery.body() == null ? WebhookSender.eventGone()
                    : sender.send(delivery.url(), delivery.keys(), delivery.eventId(), delivery.body());
            Duration retryAfter = attempt.delivered() || delivery.body() == null ? null
                    : RetrySchedule.after(config.webhooks().retrySchedule(), delivery.attempts() + 1);
            outcomes.add(new Deliveries.Outcome(delivery, attempt.delivered(), attempt.statusCode(), attempt.error(),
                    attempt.response(), attempt.durationMs(), retryAfter, delivery.body()));
        } finally {
            senders.release();
            wake.release();
        }
    }

    private void record(List<Deliveries.Outcome> batch) {
        try {
            deliveries.record(batch, config.webhooks().disableAfter());
        } catch (RuntimeException e) {
            // not recorded: each claim runs out and the delivery is attempted again (at least once)
            LOG.warnf("Outcomes of %d webhook deliveries not recorded (%s); they will be sent again", batch.size(),
                    e.getMessage());
        }
    }
}
