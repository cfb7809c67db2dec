package dev.paddock.job;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.common.PaddockConfig;
import dev.paddock.runner.Runner;
import dev.paddock.runner.RunnerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One claim attempt. The runner's row is locked so its own concurrent claims cannot exceed
 * max_concurrency; queued rows are taken with FOR UPDATE SKIP LOCKED, so concurrent claims on any
 * number of replicas never hand one job to two runners and never wait on each other.
 */
@ApplicationScoped
public class JobClaimService {

    @Inject
    EntityManager em;

    @Inject
    PaddockConfig config;

    @Transactional
    public List<Job> claim(AuthenticatedRunner self, int limit) {
        Runner runner = em.find(Runner.class, self.id(), LockModeType.PESSIMISTIC_WRITE);
        if (runner == null || runner.drainRequested
                || RunnerStatus.DRAINING.equals(runner.reportedStatus)
                || RunnerStatus.OFFLINE.equals(runner.reportedStatus)) {
            return List.of();
        }
        long running = (Long) em.createNativeQuery(
                        "SELECT count(*) FROM jobs WHERE runner_id = ?1 AND status = 'running'", Long.class)
                .setParameter(1, runner.id).getSingleResult();
        int room = (int) Math.min(limit, runner.maxConcurrency - running);
        if (room <= 0) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery("""
                WITH picked AS (
                    SELECT id FROM jobs
                     WHERE tenant = ?1 AND status = 'queued'
                       AND labels <@ (SELECT labels FROM runners WHERE id = ?2)
                     ORDER BY priority DESC, created_at, id
                     LIMIT ?3
                     FOR UPDATE SKIP LOCKED)
                UPDATE jobs j
                   SET status = 'running', runner_id = ?2, runner_name = ?4, attempt = j.attempt + 1,
                       held_by = CASE WHEN ?2 = ANY (j.held_by) THEN j.held_by ELSE array_append(j.held_by, ?2) END,
                       lease_id = gen_random_uuid(), lease_expires_at = now() + ?5 * interval '1 millisecond',
                       started_at = now(), phase = NULL, progress = 0, stop_acknowledged = FALSE, updated_at = now()
                  FROM picked
                 WHERE j.id = picked.id
                RETURNING j.id""", UUID.class)
                .setParameter(1, self.tenant())
                .setParameter(2, runner.id)
                .setParameter(3, room)
                .setParameter(4, runner.name)
                .setParameter(5, config.jobs().lease().toMillis())
                .getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        runner.activeJobs = (int) running + ids.size();
        return em.createQuery("from Job where id in :ids", Job.class).setParameter("ids", ids).getResultList()
                .stream()
                .sorted(Comparator.comparingInt((Job job) -> -job.priority).thenComparing(job -> job.createdAt))
                .toList();
    }
}
