package dev.paddock.webhook;

import dev.paddock.common.PaddockConfig;
import dev.paddock.db.SchemaAtStart;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Finished deliveries are kept as long as events are ({@code PADDOCK_EVENTS_RETENTION}), then
 * deleted every minute on every replica, a thousand at a time.
 */
@ApplicationScoped
public class DeliveryRetention {

    private static final Logger LOG = Logger.getLogger(DeliveryRetention.class);
    private static final int BATCH = 1_000;

    @Inject
    Deliveries deliveries;

    @Inject
    PaddockConfig config;

    @Scheduled(every = "60s", delayed = "40s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
    void sweep() {
        try {
            while (deliveries.deleteExpired(config.events().retention(), BATCH) == BATCH) {
                // a full batch may have left more
            }
        } catch (RuntimeException e) {
            LOG.warnf("Webhook delivery retention sweep failed (%s); the next one will retry", e.getMessage());
        }
    }
}
