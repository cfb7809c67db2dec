package dev.paddock.auth;

import java.util.Set;

/** A person (or their automation) proven by a JWT: who, in which tenant, allowed to do what. */
public record Person(String subject, String tenant, Set<String> scopes) {

    public boolean has(String scope) {
        return scopes.contains(scope);
    }
}
