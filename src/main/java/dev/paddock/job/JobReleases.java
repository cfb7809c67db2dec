package dev.paddock.job;

import dev.paddock.common.PaddockConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.UUID;

/** What happens to a runner's jobs when the runner beats, leaves or is deleted. */
@ApplicationScoped
@Transactional
public class JobReleases {

    @Inject
    EntityManager em;

    @Inject
    PaddockConfig config;

    /**
     * Its running jobs go back to the queue, or fail when they are out of attempts. The lease id is
     * cleared, so the runner can no longer write to them (409 lease-lost).
     */
    public void releaseRunnerJobs(UUID runnerId, String reason) {
        @SuppressWarnings("unchecked")
        List<String> tenants = em.createNativeQuery("""
                UPDATE jobs SET status = 'queued', runner_id = NULL, runner_name = NULL, lease_id = NULL,
                       lease_expires_at = NULL, phase = NULL, progress = NULL, queued_at = now(), updated_at = now()
                 WHERE runner_id = ?1 AND status = 'running' AND attempt < max_attempts
                RETURNING tenant""").setParameter(1, runnerId).getResultList();
        em.createNativeQuery("""
                UPDATE jobs SET status = 'failure', error = ?2, lease_id = NULL, lease_expires_at = NULL,
                       completed_at = now(), updated_at = now(),
                       duration_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::bigint
                 WHERE runner_id = ?1 AND status = 'running'""")
                .setParameter(1, runnerId).setParameter(2, reason + "; out of attempts").executeUpdate();
        tenants.stream().distinct().forEach(tenant -> JobSignals.notify(em, JobSignals.JOBS_CHANNEL, JobSignals.tenantTopic(tenant)));
    }

    /**
     * A heartbeat renews the leases of the runner's running jobs and collects the jobs it must stop
     * (cancelled or timed out while it held them) until it has acknowledged them on a job call.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> renewLeasesAndCollectStops(UUID runnerId) {
        em.createNativeQuery("""
                UPDATE jobs SET lease_expires_at = now() + ?2 * interval '1 millisecond'
                 WHERE runner_id = ?1 AND status = 'running'""")
                .setParameter(1, runnerId).setParameter(2, config.jobs().lease().toMillis()).executeUpdate();
        return em.createNativeQuery("""
                SELECT id FROM jobs
                 WHERE runner_id = ?1 AND status IN ('cancelled', 'timeout') AND NOT stop_acknowledged
                   AND completed_at > now() - interval '1 day'
                 ORDER BY completed_at""", UUID.class).setParameter(1, runnerId).getResultList();
    }

    /** The runner's active_jobs follows the jobs it really holds. */
    public static void recountActiveJobs(EntityManager em, UUID runnerId) {
        if (runnerId == null) {
            return;
        }
        em.createNativeQuery("""
                UPDATE runners SET active_jobs = (SELECT count(*) FROM jobs WHERE runner_id = ?1 AND status = 'running')
                 WHERE id = ?1""").setParameter(1, runnerId).executeUpdate();
    }
}
