package dev.paddock.event;

import dev.paddock.common.PaddockConfig;
import dev.paddock.db.SchemaAtStart;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Events older than {@code PADDOCK_EVENTS_RETENTION} (default 7 days) are deleted every minute on
 * every replica, a thousand at a time, oldest first, so the sweep never holds a writer back.
 */
@ApplicationScoped
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    @Inject
    EventStore store;

    @Inject
    PaddockConfig config;

    @Scheduled(every = "60s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
    void sweep() {
        try {
            deleteOlderThan(config.events().retention());
        } catch (RuntimeException e) {
            LOG.warnf("Event retention sweep failed (%s); the next one will retry", e.getMessage());
        }
    }

    /** Batches until one is not full; answers how many events went. */
    long deleteOlderThan(Duration age) {
        long deleted = 0;
        int batch;
        do {
            batch = store.deleteExpired(age);
            deleted += batch;
        } while (batch == EventStore.DELETE_BATCH);
        return deleted;
    }
}
