package dev.paddock.apikey;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.OpenApiSchemas;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.paddock.common.Times;
import dev.paddock.db.Columns;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An API key as people see it: never the key itself, only its first characters. */
public record ApiKeyView(UUID id, String name, List<String> scopes, String prefix, Instant createdAt,
                         Instant expiresAt, Instant lastUsedAt) {

    /** A row of {@code api_keys} (or of its columns people see), as people see it. */
    public static ApiKeyView read(Columns row) throws SQLException {
        return of(row.uuid("id"), row.string("name"), row.strings("scopes"), row.string("prefix"),
                row.instant("created_at"), row.instant("expires_at"), row.instant("last_used_at"));
    }

    static ApiKeyView of(UUID id, String name, List<String> scopes, String prefix, Instant createdAt,
                         Instant expiresAt, Instant lastUsedAt) {
        return new ApiKeyView(id, name, scopes, prefix, Times.out(createdAt), Times.out(expiresAt),
                Times.out(lastUsedAt));
    }

    /** The answer to a creation: the key is shown here and never again. */
    @Schema(name = "ApiKeyCreated", example = """
            {"api_key": {"id": "3c6f8e0a-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "name": "ci", "scopes": ["jobs:manage"],
                         "prefix": "pk_Xk2fQ9aL", "created_at": "2026-01-15T10:00:00Z", "expires_at": null,
                         "last_used_at": null},
             "key": "pk_Xk2fQ9aLr7T0m3Vd8WcYb1Hn4Jq6Zs5Ue2Po9Ai0Ke"}""")
    public record Created(ApiKeyView apiKey, String key) {
    }

    @Schema(name = "ApiKeyPage")

    public record Page(List<ApiKeyView> apiKeys, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }
}
