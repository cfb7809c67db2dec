package dev.paddock.agent;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.common.Labels;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import dev.paddock.dispatch.JobStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a runner agent sends: its registration and heartbeats, and about jobs: claims, progress,
 * log lines, the final report.
 */
public final class AgentRequests {

    /** A string with something other than white space in it. */
    /** Not blank, whatever the lines: the whole value (JSON Schema and Java read it alike; "." stops at a line end). */
    public static final String NOT_BLANK = "^[\\s\\S]*\\S[\\s\\S]*$";
    /** A result's status as a runner reports it (every dialect's result too). */
    public static final String RESULT_STATUS = "^(success|failure|failed|completed)$";
    public static final String RESULT_STATUS_MESSAGE = "must be one of success, failure, failed, completed";
    /** A result's quality rating. */
    public static final String QUALITY_RATING = "^([A-DF])$";
    public static final String QUALITY_RATING_MESSAGE = "must be one of A, B, C, D, F";

    private AgentRequests() {
    }

    @Schema(name = "RunnerHeartbeat")

    public record Heartbeat(
            @Pattern(regexp = "^(online|busy|draining|offline)$", message = "must be one of online, busy, draining, offline") String status,
            @Size(max = 100) String version,
            @JsonAlias("activeJobs") @Min(0) @Max(100000) Integer activeJobs,
            @JsonAlias("systemInfo") Map<String, Object> systemInfo,
            @Schema(description = "The jobs the runner still runs, when it says: only their leases are renewed, and a "
                    + "running job it no longer knows (its agent restarted) goes back to the queue when its lease "
                    + "runs out. Without it, every running job of the runner is renewed.")
            @JsonAlias("runningJobIds") @Size(max = 1000) List<@NotNull UUID> runningJobIds) {
    }

    @Schema(name = "RunnerRegister")

    public record Register(
            UUID id,
            @Size(min = 1, max = 100) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            @Size(max = Labels.MAX) List<@NotNull @Pattern(regexp = Labels.REGEX, message = Labels.MESSAGE) String> labels,
            @Size(max = 100) String version,
            @Size(max = 100) String os,
            @Size(max = 100) String arch,
            @JsonAlias("maxConcurrency") @Min(1) @Max(1000) Integer maxConcurrency,
            Map<String, Object> capabilities,
            Boolean ephemeral) {
    }

    public record Claim(@Min(1) @Max(50) Integer limit, @Min(0) @Max(60) Integer waitSeconds) {
    }

    public record StatusUpdate(
            @Pattern(regexp = "^(running)$", message = "must be running; final statuses are reported with /result") String status,
            @Size(max = 32) String phase,
            @Min(0) @Max(100) Integer progress) {
    }

    public record LogBatch(@NotNull @Size(min = 1, max = 200) List<@NotNull JsonNode> lines, @Min(0) Long offset) {
    }

    public record Issue(
            @NotNull @Pattern(regexp = "^(error|warning|info)$", message = "must be one of error, warning, info") String severity,
            @Size(max = 200) String type,
            @Size(max = 2000) String file,
            @Min(0) Integer line,
            @Size(max = 65536) String message,
            @Size(max = 65536) String suggestion) {
    }

    public record TokensUsed(@Min(0) Long input, @Min(0) Long output) {
    }

    public record Result(
            @NotNull @Pattern(regexp = RESULT_STATUS, message = RESULT_STATUS_MESSAGE) String status,
            @Size(max = 65536) String summary,
            Map<String, Object> result,
            @Size(max = 10000) List<@NotNull @Valid Issue> issues,
            @Min(0) Integer filesReviewed,
            @Min(0) Integer linesAnalyzed,
            @Min(0) Integer totalComments,
            @Pattern(regexp = QUALITY_RATING, message = QUALITY_RATING_MESSAGE) String qualityRating,
            Map<String, Object> metrics,
            @Valid TokensUsed tokensUsed,
            List<Object> actionsTaken,
            @Size(max = 65536) String error,
            @Size(max = 200) List<@NotNull JsonNode> logs) {

        public Result withLogs(List<JsonNode> lines) {
            return new Result(status, summary, result, issues, filesReviewed, linesAnalyzed, totalComments,
                    qualityRating, metrics, tokensUsed, actionsTaken, error, lines);
        }

        public JobStatus finalStatus() {
            return switch (status) {
                case "failure", "failed" -> JobStatus.FAILURE;
                default -> JobStatus.SUCCESS;
            };
        }
    }
}
