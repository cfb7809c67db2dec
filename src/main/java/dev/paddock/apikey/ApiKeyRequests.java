package dev.paddock.apikey;

import dev.paddock.auth.Scopes;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

public final class ApiKeyRequests {

    private ApiKeyRequests() {
    }

    /** {@code expires_at}: ISO-8601 with an offset, in the future; none for a key that does not expire. */
    @Schema(name = "ApiKeyCreate")
    public record Create(
            @NotBlank @Size(max = 100) String name,
            @NotEmpty @Size(max = 20) List<@NotBlank @Pattern(regexp = "^[ \\t\\r\\n]*(" + Scopes.ONE_OF + ")[ \\t\\r\\n]*$",
                    message = "must be a scope Paddock knows: " + Scopes.ONE_OF) String> scopes,
            @Schema(format = "date-time", description = "RFC 3339, in the future; null or left out: never") String expiresAt) {
    }
}
