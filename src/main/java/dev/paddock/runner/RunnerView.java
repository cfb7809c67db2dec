package dev.paddock.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.Times;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A runner as the API shows it; {@code token} appears only in the answer that creates it. */
public record RunnerView(UUID id, String name, String status, List<String> labels, String version, String os,
                         String arch, Map<String, Object> capabilities, Map<String, Object> systemInfo,
                         int maxConcurrency, int activeJobs, long jobsCompleted, String tokenPrefix,
                         Instant lastHeartbeatAt, String registeredBy, Instant createdAt, Instant updatedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String token) {

    public static RunnerView of(Runner runner) {
        return of(runner, null);
    }

    public static RunnerView of(Runner runner, String token) {
        return new RunnerView(runner.id, runner.name, runner.effectiveStatus(), runner.labels, runner.version,
                runner.os, runner.arch, runner.capabilities == null ? Map.of() : runner.capabilities,
                runner.systemInfo, runner.maxConcurrency, runner.activeJobs, runner.jobsCompleted,
                runner.tokenPrefix, Times.out(runner.lastHeartbeatAt), runner.registeredBy,
                Times.out(runner.createdAt), Times.out(runner.updatedAt), token);
    }

    public record One(RunnerView runner) {
    }

    public record Page(List<RunnerView> runners, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer perPage) {
    }
}
