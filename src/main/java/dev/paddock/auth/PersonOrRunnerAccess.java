package dev.paddock.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route serves a runner token (the runner acting on itself) or a person's JWT holding one of
 * {@link #value()}; which one is decided by the credential sent. See {@link AccessFilter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface PersonOrRunnerAccess {
    String[] value();

    /** See {@link RunnerAccess#runnerInPath()}: an API key that registered this runner acts as it. */
    String runnerInPath() default "";
}
