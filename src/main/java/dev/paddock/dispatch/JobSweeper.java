package dev.paddock.dispatch;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Every replica's periodic transitions: jobs past their timeout, and expired leases. Each is one
 * idempotent statement on the database clock that skips rows another sweep holds, so all replicas
 * may sweep at once.
 */
@ApplicationScoped
public class JobSweeper {

    private static final Logger LOG = Logger.getLogger(JobSweeper.class);

    @Inject
    DispatchStore store;

    @Scheduled(every = "${paddock.jobs.sweep-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            store.timeOutOverdue();
            store.expireLeases();
        } catch (RuntimeException e) {
            LOG.warnf("Job sweep failed (%s); the next one will retry", e.getClass().getSimpleName());
        }
    }
}
