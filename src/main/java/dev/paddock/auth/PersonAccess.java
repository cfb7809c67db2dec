package dev.paddock.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The route is for people: a valid JWT holding one of {@link #value()} (any valid JWT when empty).
 * 401 without one, 403 without the scope. See {@link AccessFilter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface PersonAccess {
    String[] value() default {};
}
