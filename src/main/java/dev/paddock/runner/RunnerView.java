package dev.paddock.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.OpenApiSchemas;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.paddock.common.Times;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A runner as the API shows it; {@code token} appears only in the answer that creates it.
 * {@code pod_count} and {@code max_pods} are AgentsMesh's names for active jobs and capacity.
 */
@Schema(name = "Runner", description = "A runner of the fleet. status: online | busy | draining | offline.", example = """
        {"id": "5f0c6a1e-8a43-4f7e-9a7e-0a4a3c1d2b11", "name": "dev-runner-01", "status": "online",
         "labels": ["gpu", "high-memory"], "version": "1.2.0", "os": "linux", "arch": "amd64",
         "capabilities": {"platforms": ["android", "ios"]}, "system_info": {"cpu": 0.31, "memory": 0.52},
         "max_concurrency": 5, "active_jobs": 3, "pod_count": 3, "max_pods": 5, "jobs_completed": 156, "ephemeral": false, "token_prefix": "rn_Ab3d",
         "last_heartbeat_at": "2026-01-15T14:30:00Z", "registered_by": "user-123",
         "created_at": "2026-01-10T09:00:00Z", "updated_at": "2026-01-15T14:30:00Z"}""")
public record RunnerView(UUID id, String name, String status, List<String> labels, String version, String os,
                         String arch, Map<String, Object> capabilities, Map<String, Object> systemInfo,
                         int maxConcurrency, int activeJobs, int podCount, int maxPods, long jobsCompleted,
                         boolean ephemeral, String tokenPrefix,
                         Instant lastHeartbeatAt, String registeredBy, Instant createdAt, Instant updatedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                         String token) {


    public static RunnerView of(Runner runner) {
        return of(runner, null);
    }

    public static RunnerView of(Runner runner, String token) {
        return new RunnerView(runner.id, runner.name, runner.status, runner.labels, runner.version,
                runner.os, runner.arch, runner.capabilities == null ? Map.of() : runner.capabilities,
                runner.systemInfo, runner.maxConcurrency, runner.activeJobs, runner.activeJobs, runner.maxConcurrency,
                runner.jobsCompleted, runner.ephemeral,
                runner.tokenPrefix, Times.out(runner.lastHeartbeatAt), runner.registeredBy,
                Times.out(runner.createdAt), Times.out(runner.updatedAt), token);
    }

    @Schema(name = "RunnerOne")

    public record One(RunnerView runner) {
    }

    @Schema(name = "RunnerPage")

    public record Page(List<RunnerView> runners, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }
}
