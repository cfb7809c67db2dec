package dev.paddock.fleet;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import dev.paddock.common.Labels;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/** Request bodies of people's runner routes. */
public final class RunnerRequests {


    private RunnerRequests() {
    }

    @Schema(name = "RunnerCreate")

    public record Create(
            @NotBlank @Size(max = 100) String name,
            @Size(max = Labels.MAX) List<@NotNull @Pattern(regexp = Labels.REGEX, message = Labels.MESSAGE) String> labels,
            @Min(1) @Max(1000) Integer maxConcurrency,
            Map<String, Object> capabilities,
            Boolean ephemeral) {
    }

    /** PUT and PATCH: only the fields present change. */
    @Schema(name = "RunnerUpdate")
    public record Update(
            @Size(min = 1, max = 100) @Pattern(regexp = dev.paddock.agent.AgentRequests.NOT_BLANK, message = "must not be blank") String name,
            @Size(max = Labels.MAX) List<@NotNull @Pattern(regexp = Labels.REGEX, message = Labels.MESSAGE) String> labels,
            @Min(1) @Max(1000) Integer maxConcurrency,
            Map<String, Object> capabilities,
            // descriptive fields a runner may change on itself
            @Size(max = 100) String version,
            @Size(max = 100) String os,
            @Size(max = 100) String arch) {
    }

}
