package dev.paddock.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.common.Labels;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/** Request bodies of the job routes, people's and runners'. */
public final class JobRequests {

    public static final String SECRET_NAME = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

    private JobRequests() {
    }

    public record Enqueue(
            @NotBlank @Size(max = 100) String type,
            @Size(max = 200) String name,
            @Size(max = Labels.MAX) List<@NotNull @Pattern(regexp = Labels.REGEX, message = Labels.MESSAGE) String> labels,
            @Min(-100) @Max(100) Integer priority,
            @Min(1) @Max(86400) Integer timeoutSeconds,
            @Min(1) @Max(10) Integer maxAttempts,
            @Size(max = 300) String repository,
            @Size(max = 2000) String repositoryUrl,
            @Size(max = 300) String branch,
            @Size(max = 100) String commitSha,
            @Size(max = 65536) String commitMessage,
            @Min(0) Integer prNumber,
            Map<String, Object> pullRequest,
            Map<String, Object> trigger,
            Map<String, Object> payload,
            @Size(max = 32) Map<@Pattern(regexp = SECRET_NAME, message = "must be a name like ANDROID_KEYSTORE") String,
                    @NotNull @Size(max = 65536) String> secrets) {
    }

    public record Claim(@Min(1) @Max(50) Integer limit, @Min(0) @Max(60) Integer waitSeconds) {
    }

    public record StatusUpdate(
            @Pattern(regexp = "running", message = "must be running; final statuses are reported with /result") String status,
            @Size(max = 32) String phase,
            @Min(0) @Max(100) Integer progress) {
    }

    public record LogBatch(@NotNull @Size(min = 1, max = 200) List<@NotNull JsonNode> lines, @Min(0) Long offset) {
    }

    public record Issue(
            @NotNull @Pattern(regexp = "error|warning|info", message = "must be one of error, warning, info") String severity,
            @Size(max = 200) String type,
            @Size(max = 2000) String file,
            @Min(0) Integer line,
            @Size(max = 65536) String message,
            @Size(max = 65536) String suggestion) {
    }

    public record TokensUsed(@Min(0) Long input, @Min(0) Long output) {
    }

    public record Result(
            @NotNull @Pattern(regexp = "success|failure|failed|completed",
                    message = "must be one of success, failure, failed, completed") String status,
            @Size(max = 65536) String summary,
            Map<String, Object> result,
            @Size(max = 10000) List<@NotNull @Valid Issue> issues,
            @Min(0) Integer filesReviewed,
            @Min(0) Integer linesAnalyzed,
            @Min(0) Integer totalComments,
            @Pattern(regexp = "[A-DF]", message = "must be one of A, B, C, D, F") String qualityRating,
            Map<String, Object> metrics,
            @Valid TokensUsed tokensUsed,
            List<Object> actionsTaken,
            @Size(max = 65536) String error,
            @Size(max = 200) List<@NotNull JsonNode> logs) {

        public String finalStatus() {
            return switch (status) {
                case "failure", "failed" -> JobStatus.FAILURE;
                default -> JobStatus.SUCCESS;
            };
        }
    }

    public record Cancel(@Size(max = 2000) String reason) {
    }

    public record Retry(Map<String, Object> configOverride) {
    }

}
