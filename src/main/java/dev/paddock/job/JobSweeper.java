package dev.paddock.job;

import dev.paddock.auth.RateLimiter;
import dev.paddock.common.PaddockConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

/**
 * The periodic work of every replica: timeouts, expired leases, silent runners. Each step is one
 * idempotent UPDATE judged by the database clock, so all replicas may run it at once; rows locked
 * by a concurrent sweep are skipped rather than waited for.
 */
@ApplicationScoped
public class JobSweeper {

    private static final Logger LOG = Logger.getLogger(JobSweeper.class);

    @Inject
    EntityManager em;

    @Inject
    PaddockConfig config;

    @Inject
    RateLimiter rateLimiter;

    @Scheduled(every = "${paddock.jobs.sweep-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            LOG.warnf("Sweep failed (%s); the next one will retry", e.getClass().getSimpleName());
        }
    }

    @Transactional
    public void sweepOnce() {
        @SuppressWarnings("unchecked")
        List<UUID> timedOut = em.createNativeQuery("""
                UPDATE jobs SET status = 'timeout', error = 'timed out after ' || timeout_seconds || ' s',
                       completed_at = now(), lease_expires_at = NULL, updated_at = now(),
                       duration_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::bigint
                 WHERE id IN (SELECT id FROM jobs WHERE status = 'running'
                                 AND started_at + timeout_seconds * interval '1 second' < now()
                               FOR UPDATE SKIP LOCKED)
                RETURNING runner_id""", UUID.class).getResultList();
        @SuppressWarnings("unchecked")
        List<Object[]> requeued = em.createNativeQuery("""
                UPDATE jobs SET status = 'queued', runner_id = NULL, runner_name = NULL, lease_id = NULL,
                       lease_expires_at = NULL, phase = NULL, progress = NULL, queued_at = now(), updated_at = now()
                 WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND lease_expires_at < now()
                                 AND attempt < max_attempts FOR UPDATE SKIP LOCKED)
                RETURNING tenant, (SELECT runner_id FROM jobs old WHERE old.id = jobs.id)""").getResultList();
        @SuppressWarnings("unchecked")
        List<UUID> failed = em.createNativeQuery("""
                UPDATE jobs SET status = 'failure', error = 'lease expired', completed_at = now(),
                       lease_id = NULL, lease_expires_at = NULL, updated_at = now(),
                       duration_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::bigint
                 WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND lease_expires_at < now()
                                 AND attempt >= max_attempts FOR UPDATE SKIP LOCKED)
                RETURNING runner_id""", UUID.class).getResultList();
        em.createNativeQuery("""
                UPDATE runners SET reported_status = 'offline', updated_at = now()
                 WHERE reported_status <> 'offline' AND last_heartbeat_at < now() - ?1 * interval '1 millisecond'""")
                .setParameter(1, config.runners().offlineAfter().toMillis()).executeUpdate();
        requeued.stream().map(row -> (String) row[0]).distinct()
                .forEach(tenant -> JobSignals.notify(em, JobSignals.JOBS_CHANNEL, JobSignals.tenantTopic(tenant)));
        java.util.stream.Stream.of(timedOut.stream(), failed.stream(), requeued.stream().map(row -> (UUID) row[1]))
                .flatMap(s -> s).filter(java.util.Objects::nonNull).distinct()
                .forEach(runnerId -> JobReleases.recountActiveJobs(em, runnerId));
    }

    @Scheduled(every = "10m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void removeFullBuckets() {
        try {
            rateLimiter.removeExpired();
        } catch (RuntimeException e) {
            LOG.warnf("Rate limit cleanup failed (%s)", e.getClass().getSimpleName());
        }
    }
}
