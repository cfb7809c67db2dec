package dev.paddock.auth;

import dev.paddock.runner.RunnerTokens;

import java.util.UUID;

/**
 * A runner agent proven by its token, or an API key acting as the runner it registered. Its calls
 * count against one budget of the runner's ({@code callBucket}), whichever credential made them.
 */
public record AuthenticatedRunner(UUID id, String tenant, byte[] callBucket) {

    AuthenticatedRunner(UUID id, String tenant) {
        this(id, tenant, RunnerTokens.hash("calls of runner " + id));
    }
}
