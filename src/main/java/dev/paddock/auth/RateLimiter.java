package dev.paddock.auth;

import dev.paddock.common.PaddockConfig;
import dev.paddock.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.quarkus.scheduler.Scheduled;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Token buckets kept in PostgreSQL (Bucket4j), so a limit holds across every replica and restart.
 * Callers must not be inside a JTA transaction: Bucket4j commits its own.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PaddockConfig config;

    private static final int UNSYNCED_TOKENS = 10;
    private static final int MAX_LOCAL_BUCKETS = 100_000;

    private PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final ConcurrentHashMap<String, BucketProxy> agentBuckets = new ConcurrentHashMap<>();
    private Supplier<BucketConfiguration> agentLimit;
    private Supplier<BucketConfiguration> regenerateLimit;

    @PostConstruct
    void init() {
        buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
        int perMinute = config.auth().agentRequestsPerMinute();
        BucketConfiguration agent = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillIntervally(perMinute, Duration.ofMinutes(1)))
                .build();
        int perHour = config.auth().regenerateLimitPerHour();
        BucketConfiguration regenerate = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perHour).refillIntervally(perHour, Duration.ofHours(1)))
                .build();
        agentLimit = () -> agent;
        regenerateLimit = () -> regenerate;
    }

    /**
     * 120 requests a minute (by default) per runner token on the agent routes. The bucket lives in
     * PostgreSQL, but each replica keeps a proxy of it that consumes locally and writes back after
     * {@value #UNSYNCED_TOKENS} requests or a second (Bucket4j's delaying optimization): a burst of
     * calls costs one transaction, and across N replicas a runner gets at most
     * N x {@value #UNSYNCED_TOKENS} requests more than the limit.
     */
    public void checkAgent(byte[] tokenHash) {
        String key = "agent:" + HexFormat.of().formatHex(tokenHash, 0, 16);
        if (agentBuckets.size() > MAX_LOCAL_BUCKETS) {
            agentBuckets.clear();
        }
        BucketProxy bucket = agentBuckets.computeIfAbsent(key, id -> buckets.builder()
                .withOptimization(Optimizations.delaying(new DelayParameters(UNSYNCED_TOKENS, Duration.ofSeconds(1))))
                .build(id, agentLimit));
        refuseWhenEmpty(bucket.tryConsumeAndReturnRemaining(1), "This runner token made too many requests; slow down.");
    }

    /** Token regenerations per person (tenant and subject) per hour. */
    public void checkRegenerate(Person person) {
        consume("regenerate:" + person.tenant() + ":" + person.subject(), regenerateLimit,
                "Runner tokens may be regenerated at most " + config.auth().regenerateLimitPerHour()
                        + " times an hour per person.");
    }

    /** Drops buckets that have refilled completely; any replica may run it. */
    @Scheduled(every = "10m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void removeExpired() {
        try {
            while (buckets.removeExpired(1000) >= 1000) {
                // keep going until a batch comes back short
            }
        } catch (RuntimeException e) {
            LOG.warnf("Rate limit cleanup failed (%s)", e.getClass().getSimpleName());
        }
    }

    private void consume(String key, Supplier<BucketConfiguration> limit, String detail) {
        ProxyManager<String> manager = buckets;
        refuseWhenEmpty(manager.getProxy(key, limit).tryConsumeAndReturnRemaining(1), detail);
    }

    private static void refuseWhenEmpty(ConsumptionProbe probe, String detail) {
        if (!probe.isConsumed()) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L);
            throw ProblemException.rateLimited(seconds, detail);
        }
    }
}
