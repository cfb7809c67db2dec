package dev.paddock.runner;

import dev.paddock.common.PaddockConfig;
import dev.paddock.db.SchemaAtStart;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Runners silent for longer than {@code paddock.runners.offline-after} are marked offline, by the
 * database clock; one idempotent statement, safe on every replica at once. Their running jobs keep
 * their leases until those run out. Ephemeral runners that claimed nothing within
 * {@code PADDOCK_RUNNERS_EPHEMERAL_IDLE} of their creation are deleted.
 */
@ApplicationScoped
public class RunnerLiveness {

    private static final Logger LOG = Logger.getLogger(RunnerLiveness.class);

    @Inject
    RunnerStore store;

    @Inject
    PaddockConfig config;

    @Scheduled(every = "${paddock.jobs.sweep-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
    void sweep() {
        try {
            store.markSilentOffline(config.runners().offlineAfter());
            store.retireUnusedEphemeral(config.runners().ephemeralIdle());
        } catch (RuntimeException e) {
            LOG.warnf("Runner liveness sweep failed (%s); the next one will retry", e.getClass().getSimpleName());
        }
    }
}
