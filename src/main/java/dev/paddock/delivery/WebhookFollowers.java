package dev.paddock.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.PaddockConfig;
import dev.paddock.feed.EventFeed;
import dev.paddock.signal.Signals;
import dev.paddock.webhook.Deliveries;
import dev.paddock.webhook.WebhookSecrets;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first attempts of every event, made by the one replica that follows its webhook: it reads
 * the webhook's next window of events (as a feed reader follows {@code after}, so none is skipped),
 * sends them at once through the shared senders, and records the window in one statement that
 * moves the webhook's cursor and renews the hold (while the next windows are being sent: windows
 * are recorded in order, each once all its attempts are answered). One statement to read and one to write per
 * window, instead of three row writes per delivery; a failed attempt becomes a pending delivery
 * that the claims retry. A follower with nothing to send for a second lets its webhook go.
 */
@ApplicationScoped
public class WebhookFollowers {

    private static final Logger LOG = Logger.getLogger(WebhookFollowers.class);
    /** Events a window holds: sent at once (as far as the senders allow), recorded together. */
    static final int WINDOW = 500;
    /**
     * Windows sent and not yet recorded: a receiver that takes its 10 s to answer one holds back
     * no later event, while a webhook's unrecorded attempts (sent again if its follower dies) stay
     * bounded.
     */
    static final int MAX_IN_FLIGHT = 4;
    private static final long IDLE_MILLIS = 1_000;

    @Inject
    Deliveries deliveries;

    @Inject
    EventFeed feed;

    @Inject
    WebhookSender sender;

    @Inject
    Signals signals;

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    private final AtomicInteger following = new AtomicInteger();
    /**
     * Webhooks whose follower stopped and could not let them go (the database was away): let go as
     * soon as it is back, so that they are followed again then rather than when their hold runs out.
     */
    private final Queue<Deliveries.Followed> notLetGo = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile boolean failing;

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Follows from here the webhooks with events to send that no replica follows, up to
     * {@code most} at once, each held for {@code hold} at a time.
     */
    void followMore(int most, Semaphore senders, Duration hold) {
        for (Deliveries.Followed held = notLetGo.peek(); held != null; held = notLetGo.peek()) {
            deliveries.unfollow(held); // throws while the database is still away: tried again at the next call
            notLetGo.remove(held);
        }
        int room = most - following.get();
        if (room <= 0 || stopping) {
            return;
        }
        for (Deliveries.Followed webhook : deliveries.follow(room, hold)) {
            following.incrementAndGet();
            Thread.ofVirtual().name("paddock-webhook-follower").start(() -> follow(webhook, senders, hold));
        }
    }

    private void follow(Deliveries.Followed webhook, Semaphore senders, Duration hold) {
        Deliveries.Followed current = webhook; // as last recorded: the oldest window in flight starts at its cursor
        Deque<Sending> inFlight = new ArrayDeque<>(); // sent, not yet recorded, oldest first
        try {
            while (current != null && !stopping) {
                String topic = Signals.eventsTopic(current.tenant());
                // awaited before the read: events numbered after it wake the wait below
                CompletableFuture<Void> numbered = signals.await(topic);
                try {
                    long from = inFlight.isEmpty() ? current.cursor() : inFlight.getLast().window().through();
                    EventFeed.Window window = feed.window(current.tenant(), from, current.patterns(), WINDOW);
                    if (window.through() > from) {
                        // the next window is sent while those before it are still answered or recorded
                        inFlight.addLast(send(current, window, senders));
                        while (current != null && !inFlight.isEmpty()
                                && (inFlight.size() > MAX_IN_FLIGHT || inFlight.getFirst().done().isDone())) {
                            current = recorded(current, inFlight.removeFirst(), hold);
                        }
                    } else if (!inFlight.isEmpty()) {
                        // a receiver slow to answer holds back no later event: whichever comes first
                        if (answeredOrNumbered(inFlight.getFirst(), numbered)) {
                            current = recorded(current, inFlight.removeFirst(), hold);
                        }
                    } else if (awaited(numbered)) {
                        current = deliveries.followOn(current, hold); // as it is now: its URL or secrets may have changed
                    } else {
                        break;
                    }
                } finally {
                    signals.forget(topic, numbered);
                }
            }
            while (current != null && !inFlight.isEmpty()) {
                current = recorded(current, inFlight.removeFirst(), hold);
            }
            if (failing) {
                LOG.info("Webhooks are followed again");
                failing = false;
            }
        } catch (RuntimeException e) {
            // nothing of the window was recorded: whoever follows the webhook next sends it again
            if (!failing) {
                LOG.warnf("A webhook's events not sent (%s); it is followed again within %d s", e.getMessage(),
                        hold.toSeconds());
                failing = true;
            }
        } finally {
            following.decrementAndGet();
            try {
                deliveries.unfollow(webhook);
            } catch (RuntimeException e) {
                notLetGo.add(webhook);
            }
        }
    }

    /** Waits until the window's attempts are all answered (true) or events are numbered (false). */
    private static boolean answeredOrNumbered(Sending oldest, CompletableFuture<Void> numbered) {
        try {
            CompletableFuture.anyOf(oldest.done(), numbered).get();
        } catch (ExecutionException e) {
            // an attempt's failure is its answer, recorded as such
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return oldest.done().isDone();
    }

    /** The webhook as it is once the window's attempts are recorded; null when no longer followed from here. */
    private Deliveries.Followed recorded(Deliveries.Followed webhook, Sending sending, Duration hold) {
        return deliveries.firstAttempts(webhook, sending.attempts(), sending.window().through(), hold,
                config.webhooks().disableAfter());
    }

    /** A window's first attempts, being made at once (each holding a sender until it ends). */
    private record Sending(EventFeed.Window window, List<CompletableFuture<Deliveries.FirstAttempt>> made,
                           CompletableFuture<Void> done) {

        Sending(EventFeed.Window window, List<CompletableFuture<Deliveries.FirstAttempt>> made) {
            this(window, made, CompletableFuture.allOf(made.toArray(CompletableFuture[]::new)));
        }

        /** The attempts once all are made, in sequence order. */
        List<Deliveries.FirstAttempt> attempts() {
            List<Deliveries.FirstAttempt> attempts = new ArrayList<>(made.size());
            for (CompletableFuture<Deliveries.FirstAttempt> attempt : made) {
                attempts.add(attempt.join());
            }
            return attempts;
        }
    }

    /**
     * Starts the window's attempts, each once a sender is free (this thread waits for one): the
     * requests run on the event loops, and each frees its sender when it ends.
     */
    private Sending send(Deliveries.Followed webhook, EventFeed.Window window, Semaphore senders) {
        List<CompletableFuture<Deliveries.FirstAttempt>> made = new ArrayList<>(window.events().size());
        WebhookSender.Destination destination = sender.destination(webhook.url());
        WebhookSecrets.Signer signer = WebhookSecrets.signer(webhook.keys()); // used on this thread only
        for (Map.Entry<Long, Map<String, Object>> event : window.events().entrySet()) {
            byte[] body = body(event.getValue());
            senders.acquireUninterruptibly();
            CompletableFuture<WebhookSender.Attempt> attempt;
            try {
                attempt = sender.send(destination, signer, (UUID) event.getValue().get("id"), body);
            } catch (RuntimeException e) {
                senders.release();
                throw e;
            }
            made.add(attempt.thenApply(ended -> {
                senders.release();
                return firstAttempt(event.getKey(), event.getValue(), body, ended);
            }));
        }
        return new Sending(window, made);
    }

    private byte[] body(Map<String, Object> event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event could not be written", e);
        }
    }

    private Deliveries.FirstAttempt firstAttempt(long pos, Map<String, Object> event, byte[] body,
                                                 WebhookSender.Attempt attempt) {
        // the body is kept only for the retries of an attempt that failed
        Duration retryAfter = attempt.delivered() ? null : RetrySchedule.after(config.webhooks().retrySchedule(), 1);
        return new Deliveries.FirstAttempt((UUID) event.get("id"), (String) event.get("type"),
                Long.parseLong((String) event.get("sequence")), pos,
                attempt.delivered() ? null : new String(body, StandardCharsets.UTF_8), attempt.delivered(),
                attempt.statusCode(), attempt.error(), attempt.response(), attempt.durationMs(), retryAfter);
    }

    /** Whether events of the tenant were numbered within a second. */
    private static boolean awaited(CompletableFuture<Void> numbered) {
        try {
            numbered.get(IDLE_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
