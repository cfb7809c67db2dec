/**
 * The {@code runners} table and its one writer: {@link dev.paddock.runner.RunnerStore} holds every
 * statement that changes a runner (creation, registration, signs of life, heartbeats, tokens,
 * drains, the offline sweep, deletion) and the fragments with which the dispatch core counts a
 * runner's slots. {@link dev.paddock.runner.Runner} is its read-only mapping for people's reads,
 * {@link dev.paddock.runner.RunnerTokens} how tokens are issued and hashed,
 * {@link dev.paddock.runner.RunnerLiveness} the timed offline sweep.
 */
package dev.paddock.runner;
