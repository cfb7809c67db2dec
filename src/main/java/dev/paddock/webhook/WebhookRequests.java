package dev.paddock.webhook;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

public final class WebhookRequests {

    private WebhookRequests() {
    }

    /** {@code events}: event types, or prefixes ending in {@code *} ({@code paddock.job.*}). */
    @Schema(name = "WebhookCreate")
    public record Create(
            @NotBlank String url,
            @NotEmpty @Size(max = 50) List<@NotNull String> events,
            @Size(max = 1000) String description,
            Boolean active) {
    }

    /** Only the fields sent change; {@code description: ""} clears it. */
    @Schema(name = "WebhookChange")
    public record Change(
            String url,
            @Size(min = 1, max = 50) List<@NotNull String> events,
            @Size(max = 1000) String description,
            Boolean active) {
    }
}
