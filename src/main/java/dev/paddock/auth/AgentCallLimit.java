package dev.paddock.auth;

import dev.paddock.common.Batcher;
import dev.paddock.common.PaddockConfig;
import dev.paddock.db.Transactions;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import dev.paddock.problem.ProblemException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The agents' rate limit (120 calls a minute per runner by default), decided in memory on
 * each call and shared between replicas every 50 ms ({@link #GATHER}), at once for a runner near
 * its limit.
 * <p>
 * Each replica keeps a token bucket per runner (Bucket4j, in memory) and counts the calls it
 * admitted. Every 50 ms it sends those counts to the other replicas in NOTIFY statements, and each
 * takes what the others counted out of its own buckets. A call that leaves its runner less than
 * half of its limit is shared on its own, straight away: a runner spreading a burst over the
 * replicas gets past the limit only the calls that cross on the wire with a NOTIFY (a few
 * milliseconds), where a quarter-second gather let through 6-19 more of 140 alternated calls. A
 * runner that talks to one replica is limited exactly. A call costs no database statement on the
 * request's path. Counts are not kept across restarts: a restarted replica starts every runner
 * with a full minute.
 */
@ApplicationScoped
public class AgentCallLimit {

    private static final Logger LOG = Logger.getLogger(AgentCallLimit.class);
    private static final Duration GATHER = Duration.ofMillis(50);
    /** NOTIFY payloads must stay under 8000 bytes: entries are sent in chunks of this many. */
    private static final int ENTRIES_PER_SIGNAL = 200;
    private static final int MAX_BUCKETS = 200_000;

    @Inject
    PaddockConfig config;

    @Inject
    SignalSender sender;

    @Inject
    Signals signals;

    /**
     * A bucket's key: the runner's id, hashed and compared as two longs (a string of its hex, made
     * on every call, was 5 % of a heartbeat's CPU); the signals carry the hex.
     */
    private record BucketKey(long high, long low) {
        static BucketKey of(UUID runner) {
            return new BucketKey(runner.getMostSignificantBits(), runner.getLeastSignificantBits());
        }

        static BucketKey parse(String hex) {
            return new BucketKey(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
        }

        String hex() {
            return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
        }
    }

    /** Tells this replica's signals apart from the others' on the shared channel. */
    private final String replica = UUID.randomUUID().toString();
    private final Map<BucketKey, Bucket> buckets = new ConcurrentHashMap<>();
    /** The bucket keys of calls admitted here and not yet shared, one per call. */
    private Batcher<BucketKey> unshared;
    /** The same, for calls that left their runner under half its limit: shared without a gather. */
    private Batcher<BucketKey> urgent;

    @PostConstruct
    void init() {
        unshared = new Batcher<>("paddock-agent-calls", 1, 1_000_000, GATHER, this::share);
        urgent = new Batcher<>("paddock-agent-calls-near-limit", 1, 1_000_000, Duration.ZERO, this::share);
    }

    void start(@Observes StartupEvent event) {
        signals.onSignal(Signals.AGENT_CALLS_CHANNEL, this::countedElsewhere);
    }

    /** Counts not yet shared are dropped: the other replicas' limits err on the generous side. */
    void stop(@Observes ShutdownEvent event) {
        unshared.stop();
        urgent.stop();
    }

    /**
     * Counts one call of a runner, whether its token or an API key acting as it made the call; 429
     * with Retry-After when over the limit.
     */
    public void admit(UUID runner) {
        BucketKey key = BucketKey.of(runner);
        ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L);
            throw ProblemException.rateLimited(seconds, "This runner made too many requests; slow down.");
        }
        if (probe.getRemainingTokens() * 2 < config.auth().agentRequestsPerMinute()) {
            urgent.add(key);
        } else {
            unshared.add(key);
        }
    }

    private Bucket bucket(BucketKey key) {
        Bucket known = buckets.get(key);
        if (known != null) {
            return known;
        }
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear();
        }
        return buckets.computeIfAbsent(key, k -> {
            int perMinute = config.auth().agentRequestsPerMinute();
            return Bucket.builder()
                    .addLimit(limit -> limit.capacity(perMinute).refillIntervally(perMinute, Duration.ofMinutes(1)))
                    .build();
        });
    }

    /** Payload: the sending replica's id, then {@code key:count} entries, separated by spaces. */
    private void countedElsewhere(String payload) {
        if (payload == null || payload.startsWith(replica)) {
            return;
        }
        String[] entries = payload.split(" ");
        for (int i = 1; i < entries.length; i++) {
            int colon = entries[i].indexOf(':');
            if (colon == 32) {
                bucket(BucketKey.parse(entries[i]))
                        .consumeIgnoringRateLimits(Integer.parseInt(entries[i].substring(colon + 1)));
            }
        }
    }

    private void share(List<BucketKey> calls) {
        Map<BucketKey, Integer> counted = new HashMap<>();
        calls.forEach(key -> counted.merge(key, 1, Integer::sum));
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(replica);
        int entries = 0;
        for (Map.Entry<BucketKey, Integer> entry : counted.entrySet()) {
            payload.append(' ').append(entry.getKey().hex()).append(':').append(entry.getValue());
            if (++entries == ENTRIES_PER_SIGNAL) {
                payloads.add(payload.toString());
                payload = new StringBuilder(replica);
                entries = 0;
            }
        }
        if (entries > 0) {
            payloads.add(payload.toString());
        }
        try {
            sender.share(Signals.AGENT_CALLS_CHANNEL, payloads);
        } catch (Transactions.StatementFailed e) {
            LOG.warnf("Agent call counts not shared (%s); the other replicas will not see them", e.getMessage());
        }
    }
}
