package dev.paddock.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route is for runner agents: a valid runner token (X-Runner-Token, Authorization: Bearer rn_…
 * or x-api-key), or, with {@link #tokenInQuery()}, in that query parameter; or an API key acting as
 * a runner it registered. 401 without one, 429 over the token's rate. See {@link AccessFilter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RunnerAccess {
    /** A query parameter carrying the token instead of a header (install scripts fetched by URL). */
    String tokenInQuery() default "";

    /**
     * The route's own statement records the runner's sign of life (heartbeats do), so proving the
     * caller adds no write of its own once the token is known.
     */
    boolean recordsSignOfLife() default false;

    /**
     * The path parameter that names the runner, for an API key acting as the runner it registered
     * (DIALECTS.md, API keys); without it such a key names the runner by {@code X-Runner-Id}, or
     * {@code runnerId} / {@code runner_id} in the query or the body.
     */
    String runnerInPath() default "";

    /**
     * The path parameter that names a job, for an API key that names no runner (ai-review's task
     * calls, DIALECTS.md §1): the key acts as the job's holder when it registered that runner; 409
     * lease-lost when a runner it registered held the job before; 404 otherwise.
     */
    String jobInPath() default "";
}
