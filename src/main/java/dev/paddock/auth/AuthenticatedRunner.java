package dev.paddock.auth;

import java.util.UUID;

/** A runner agent proven by its token. */
public record AuthenticatedRunner(UUID id, String tenant, byte[] tokenHash) {
}
