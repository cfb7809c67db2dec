package dev.paddock.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.OpenApiSchemas;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.paddock.common.Times;
import dev.paddock.dispatch.Job;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as the API shows it. {@code runner} and {@code waiting} appear on a person's detail view,
 * {@code lease_id} only to the runner holding the job. Secret values never appear here.
 */
@Schema(name = "Job", description = "status: queued -> running -> success | failure | cancelled | timeout.", example = """
        {"id": "0b8f5a52-3f5e-4a8e-b1b4-2c1f9d6e7a10", "type": "code-review", "name": "Review PR 42",
         "status": "running", "phase": "reviewing", "progress": 40, "labels": ["linux"], "priority": 0,
         "repository": "owner/repo", "repository_url": "https://github.com/owner/repo", "branch": "main",
         "commit_sha": "a1b2c3d", "commit_message": "Fix the build", "pr_number": 42,
         "pull_request": {"title": "Fix the build", "author": "octocat", "url": "https://github.com/owner/repo/pull/42"},
         "trigger": {"type": "pull_request", "event": "opened"}, "payload": {"prompt": "Review this change"},
         "secret_names": ["ANDROID_KEYSTORE"], "runner_id": "5f0c6a1e-8a43-4f7e-9a7e-0a4a3c1d2b11",
         "attempt": 1, "max_attempts": 3, "timeout_seconds": 3600, "lease_expires_at": "2026-01-15T14:32:00Z",
         "created_at": "2026-01-15T14:29:00Z", "started_at": "2026-01-15T14:30:00Z", "completed_at": null,
         "duration_ms": null, "result": null, "summary": null, "issues_found": 0, "error": null,
         "cancelled_at": null, "cancel_reason": null, "original_job_id": null}""")
public record JobView(UUID id, String type, String name, String status, String phase, Integer progress,
                      List<String> labels, int priority, String repository, String repositoryUrl, String branch,
                      String commitSha, String commitMessage, Integer prNumber, Map<String, Object> pullRequest,
                      Map<String, Object> trigger, Map<String, Object> payload, List<String> secretNames,
                      UUID runnerId, RunnerRef runner, int attempt,
                      int maxAttempts, int timeoutSeconds,
                      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                      UUID leaseId, Instant leaseExpiresAt,
                      Instant createdAt, Instant startedAt, Instant completedAt, Long durationMs,
                      Map<String, Object> result, String summary, List<Map<String, Object>> issues, int issuesFound,
                      Integer filesReviewed, Integer linesAnalyzed, Integer totalComments, String qualityRating,
                      Map<String, Object> metrics, Map<String, Object> tokensUsed, List<Object> actionsTaken,
                      String error, Instant cancelledAt, String cancelReason, UUID originalJobId,
                      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                      Waiting waiting) {

    public record RunnerRef(UUID id, String name) {
    }

    /** Why a queued job still waits, from the fleet's state at the time of asking. */
    public record Waiting(String reason, long matchingRunners, long queuePosition, long waitedMs) {
    }

    @Schema(name = "JobOne")

    public record One(JobView job) {
    }

    @Schema(name = "JobMany")

    public record Many(List<JobView> jobs) {
    }

    @Schema(name = "JobPage")

    public record Page(List<JobView> jobs, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }

    public static JobView of(Job job) {
        return of(job, false, null);
    }

    /** For the runner holding the job: with its lease id. */
    public static JobView forHolder(Job job) {
        return of(job, true, null);
    }

    public static JobView of(Job job, boolean withLease, Waiting waiting) {
        RunnerRef runner = job.runnerId == null ? null : new RunnerRef(job.runnerId, job.runnerName);
        return new JobView(job.id, job.type, job.name, job.status, job.phase, job.progress, job.labels, job.priority,
                job.repository, job.repositoryUrl, job.branch, job.commitSha, job.commitMessage, job.prNumber,
                job.pullRequest, job.trigger, job.payload, job.secretNames, job.runnerId, runner, job.attempt,
                job.maxAttempts, job.timeoutSeconds, withLease ? job.leaseId : null, Times.out(job.leaseExpiresAt),
                Times.out(job.createdAt), Times.out(job.startedAt), Times.out(job.completedAt), job.durationMs,
                job.result, job.summary, job.issues == null ? List.of() : job.issues, job.issuesFound,
                job.filesReviewed, job.linesAnalyzed, job.totalComments, job.qualityRating, job.metrics,
                job.tokensUsed, job.actionsTaken, job.error, Times.out(job.cancelledAt), job.cancelReason,
                job.originalJobId, waiting);
    }
}
