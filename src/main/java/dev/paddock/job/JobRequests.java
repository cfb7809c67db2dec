package dev.paddock.job;

import dev.paddock.common.Labels;
import dev.paddock.common.OpenApiSchemas;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** Request bodies of people's job routes. */
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
            @Schema(extensions = @Extension(name = OpenApiSchemas.KEYS_PATTERN, value = SECRET_NAME))
            @Size(max = 32) Map<@Pattern(regexp = SECRET_NAME, message = "must be a name like ANDROID_KEYSTORE") String,
                    @NotNull @Size(max = 65536) String> secrets) {
    }

    public record Cancel(@Size(max = 2000) String reason) {
    }

    public record Retry(Map<String, Object> configOverride) {
    }

}
