package dev.paddock.auth;

import dev.paddock.common.PaddockConfig;
import dev.paddock.db.SchemaAtStart;
import dev.paddock.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.quarkus.scheduler.Scheduled;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Token buckets kept in PostgreSQL (Bucket4j), so a limit holds exactly across every replica and
 * restart; for rare, costly calls (token regeneration). The agents' per-call limit is
 * {@link AgentCallLimit}.
 * Bucket4j runs its own short transaction on a pooled connection: the one transaction the
 * service does not run through {@code db.Transactions}, so callers never hold one of theirs around it.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PaddockConfig config;

    private PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
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
        int perHour = config.auth().regenerateLimitPerHour();
        BucketConfiguration regenerate = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perHour).refillIntervally(perHour, Duration.ofHours(1)))
                .build();
        regenerateLimit = () -> regenerate;
    }

    /** Token regenerations per person (tenant and subject) per hour. */
    public void checkRegenerate(Person person) {
        consume("regenerate:" + person.tenant() + ":" + person.subject(), regenerateLimit,
                "Runner tokens may be regenerated at most " + config.auth().regenerateLimitPerHour()
                        + " times an hour per person.");
    }

    /** Drops buckets that have refilled completely; any replica may run it. */
    @Scheduled(every = "10m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
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
