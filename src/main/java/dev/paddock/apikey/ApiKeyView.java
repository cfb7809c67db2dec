package dev.paddock.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.Times;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An API key as people see it: never the key itself, only its first characters. */
public record ApiKeyView(UUID id, String name, List<String> scopes, String prefix, Instant createdAt,
                         Instant expiresAt, Instant lastUsedAt) {

    static ApiKeyView of(UUID id, String name, List<String> scopes, String prefix, Instant createdAt,
                         Instant expiresAt, Instant lastUsedAt) {
        return new ApiKeyView(id, name, scopes, prefix, Times.out(createdAt), Times.out(expiresAt),
                Times.out(lastUsedAt));
    }

    /** The answer to a creation: the key is shown here and never again. */
    public record Created(ApiKeyView apiKey, String key) {
    }

    public record Page(List<ApiKeyView> apiKeys, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer perPage) {
    }
}
