package dev.paddock.auth;

import java.util.UUID;

/**
 * A runner agent proven by its token, or an API key acting as the runner it registered. Its calls
 * count against one rate budget, the runner's ({@link AgentCallLimit#admit}), whichever credential
 * made them.
 */
public record AuthenticatedRunner(UUID id, String tenant) {
}
