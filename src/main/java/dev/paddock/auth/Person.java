package dev.paddock.auth;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A person, or their automation, proven by a JWT or an API key: who, in which tenant, allowed to
 * do what, until when ({@code expiresAt}: the JWT's {@code exp} or the key's expiry; null for
 * none). {@code apiKeyId} is the key's id when the credential was an API key, else null.
 */
public record Person(String subject, String tenant, Set<String> scopes, UUID apiKeyId, Instant expiresAt) {

    public Person(String subject, String tenant, Set<String> scopes) {
        this(subject, tenant, scopes, null, null);
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean viaApiKey() {
        return apiKeyId != null;
    }
}
