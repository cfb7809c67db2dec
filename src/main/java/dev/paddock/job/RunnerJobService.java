package dev.paddock.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.common.PaddockConfig;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runner's calls on a job it holds. Every write is fenced by the lease: a missing or stale
 * {@code X-Lease-Id} is 409 lease-lost and changes nothing; a runner that never held the job gets 404.
 */
@ApplicationScoped
@Transactional(dontRollbackOn = RunnerJobService.StopException.class)
public class RunnerJobService {

    @Inject
    EntityManager em;

    @Inject
    PaddockConfig config;

    @Inject
    SecretCipher cipher;

    @Inject
    JobLogWriter logWriter;

    @Inject
    ObjectMapper json;

    public record LogsAccepted(int accepted, long nextOffset) {
    }

    public Job view(AuthenticatedRunner self, UUID jobId) {
        Job job = lockHeld(self, jobId);
        acknowledgeStop(job);
        return job;
    }

    public Job updateStatus(AuthenticatedRunner self, UUID jobId, String leaseId, JobRequests.StatusUpdate update) {
        Job job = fenced(self, jobId, leaseId);
        requireRunning(job);
        if (update.phase() != null) {
            job.phase = update.phase();
        }
        if (update.progress() != null) {
            job.progress = update.progress();
        }
        renewLease(job);
        return job;
    }

    public LogsAccepted appendLogs(AuthenticatedRunner self, UUID jobId, String leaseId, JobRequests.LogBatch batch) {
        Job job = fenced(self, jobId, leaseId);
        requireRunning(job);
        long next = logWriter.append(job, batch.lines(), batch.offset());
        renewLease(job);
        return new LogsAccepted(batch.lines().size(), next);
    }

    /** The final report; the same report again answers the same, a different one on a final job is 409. */
    public Job report(AuthenticatedRunner self, UUID jobId, String leaseId, JobRequests.Result result) {
        Job job = fenced(self, jobId, leaseId);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = json.convertValue(result, Map.class);
        if (job.isFinal()) {
            if (job.report != null && sameJson(job.report, report)) {
                return job;
            }
            throw ProblemException.conflict("The job is already " + job.status + "; a different report cannot replace it.");
        }
        if (result.logs() != null && !result.logs().isEmpty()) {
            logWriter.append(job, result.logs(), null);
        }
        Instant now = dbNow();
        job.status = result.finalStatus();
        job.report = report;
        job.summary = result.summary();
        job.result = result.result();
        job.issues = result.issues() == null ? List.of()
                : result.issues().stream().map(issue -> json.<Map<String, Object>>convertValue(issue,
                json.getTypeFactory().constructMapType(Map.class, String.class, Object.class))).toList();
        job.issuesFound = job.issues.size();
        job.filesReviewed = result.filesReviewed();
        job.linesAnalyzed = result.linesAnalyzed();
        job.totalComments = result.totalComments();
        job.qualityRating = result.qualityRating();
        job.metrics = result.metrics();
        job.tokensUsed = result.tokensUsed() == null ? null
                : json.convertValue(result.tokensUsed(), json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        job.actionsTaken = result.actionsTaken();
        job.error = result.error();
        job.completedAt = now;
        job.durationMs = job.startedAt == null ? null : Math.max(0, now.toEpochMilli() - job.startedAt.toEpochMilli());
        job.leaseExpiresAt = null;
        job.phase = null;
        job.progress = 100;
        job.updatedAt = now;
        em.flush();
        em.createNativeQuery("UPDATE runners SET jobs_completed = jobs_completed + 1 WHERE id = ?1")
                .setParameter(1, self.id()).executeUpdate();
        JobReleases.recountActiveJobs(em, self.id());
        JobSignals.notify(em, JobSignals.LOGS_CHANNEL, JobSignals.jobTopic(job.id));
        return job;
    }

    /** Compared as parsed JSON text, so that number widths and key order do not matter. */
    private boolean sameJson(Object stored, Object fresh) {
        try {
            return json.readTree(json.writeValueAsString(stored)).equals(json.readTree(json.writeValueAsString(fresh)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    /** Secrets only while the job runs on this runner under the caller's lease; otherwise 404. */
    public Map<String, String> secrets(AuthenticatedRunner self, UUID jobId, String leaseId) {
        Job job = fenced(self, jobId, leaseId);
        if (!JobStatus.RUNNING.equals(job.status)) {
            throw ProblemException.notFound("Secrets of a running job");
        }
        return cipher.decrypt(job.secrets);
    }

    private Job lockHeld(AuthenticatedRunner self, UUID jobId) {
        Job job = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || !job.tenant.equals(self.tenant()) || job.heldBy == null || !job.heldBy.contains(self.id())) {
            throw ProblemException.notFound("Job");
        }
        return job;
    }

    private Job fenced(AuthenticatedRunner self, UUID jobId, String leaseId) {
        Job job = lockHeld(self, jobId);
        if (leaseId == null || job.leaseId == null || !self.id().equals(job.runnerId)
                || !job.leaseId.toString().equalsIgnoreCase(leaseId.trim())) {
            throw ProblemException.leaseLost();
        }
        acknowledgeStop(job);
        return job;
    }

    private void requireRunning(Job job) {
        if (!JobStatus.RUNNING.equals(job.status)) {
            // commit the acknowledgement, then refuse: the runner now knows to stop
            em.flush();
            throw new StopException(job.status);
        }
    }

    private static void acknowledgeStop(Job job) {
        if (JobStatus.CANCELLED.equals(job.status) || JobStatus.TIMEOUT.equals(job.status)) {
            job.stopAcknowledged = true;
        }
    }

    private void renewLease(Job job) {
        job.leaseExpiresAt = dbNow().plus(config.jobs().lease());
        job.updatedAt = Instant.now();
    }

    private Instant dbNow() {
        return em.createNativeQuery("SELECT now()", Instant.class).getSingleResult() instanceof Instant instant
                ? instant : Instant.now();
    }

    /**
     * 409 for a write on a job that is no longer running. It does not roll back: the runner's
     * acknowledgement that it learned about the stop is kept.
     */
    public static class StopException extends ProblemException {
        public StopException(String status) {
            super(409, "job-" + status, "Job is " + status,
                    "The job is " + status + "; stop working on it.", null, null);
        }
    }
}
