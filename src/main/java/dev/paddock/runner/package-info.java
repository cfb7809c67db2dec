/**
 * The {@code runners} table and its one writer: {@link dev.paddock.runner.RunnerSql} holds every
 * statement that changes a runner (creation, registration, signs of life, heartbeats, tokens,
 * drains, the offline sweep, deletion, each with its status events) and the fragments with which
 * the dispatch core counts a runner's slots; {@link dev.paddock.runner.RunnerStore} runs them.
 * {@link dev.paddock.runner.Runner} is its read-only mapping for people's reads,
 * {@link dev.paddock.runner.RunnerTokens} how tokens are issued and hashed,
 * {@link dev.paddock.runner.RunnerLiveness} the timed offline sweep.
 */
package dev.paddock.runner;
