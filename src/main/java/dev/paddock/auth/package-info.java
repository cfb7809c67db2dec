/**
 * Who is calling. Every route declares its callers ({@code @PersonAccess}, {@code @RunnerAccess},
 * {@code @PersonOrRunnerAccess}, {@code @PublicAccess}) and {@link dev.paddock.auth.AccessFilter}
 * proves them before anything else runs; people by JWT, runners by token, with the agents' rate limit.
 */
package dev.paddock.auth;
