package dev.paddock.common;

import dev.paddock.problem.ProblemException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.HibernateValidatorFactory;

import java.lang.annotation.ElementType;
import java.util.Set;

/**
 * Bean Validation of request bodies, run by resources after the caller is authenticated, so an
 * anonymous request is a 401 whatever its body holds.
 */
@ApplicationScoped
public class Bodies {

    @Inject
    ValidatorFactory validators;

    @Inject
    CurrentVertxRequest currentRequest;

    private Validator validator;

    /**
     * Request bodies are records, never entities: every property is reachable. (The default
     * resolver asks JPA, when it is on the class path, whether each property is loaded: a fifth
     * of the validation's samples in a heartbeat load profile when Hibernate ORM was in the build,
     * bench/RESULTS.md.)
     */
    @PostConstruct
    void everyPropertyOfABodyIsReachable() {
        validator = validators.unwrap(HibernateValidatorFactory.class).usingContext()
                .traversableResolver(new EveryPropertyReachable())
                .enableTraversableResolverResultCache(false) // nothing to cache: the answer is always yes
                .getValidator();
    }

    public <T> T valid(T body) {
        if (body == null) {
            throw ProblemException.badRequest("A JSON request body is required.");
        }
        return validOrNull(body);
    }

    /**
     * {@link #valid} of a dialect's body in its canonical form: an invalid field is named as the
     * dialect's body names it ({@code dialectNames}: canonical name → the dialect's), not by the
     * canonical name the caller never sent.
     */
    public <T> T validAs(T canonical, java.util.Map<String, String> dialectNames) {
        try {
            return valid(canonical);
        } catch (ConstraintViolationException e) {
            throw ProblemException.invalid(dev.paddock.problem.ProblemMappers.fieldErrors(e,
                    name -> dialectNames.getOrDefault(name, name)));
        }
    }

    /**
     * An optional body, valid, or null when the request had none. A JSON {@code null} reads as no
     * body, but is one: refused, as every request body is an object.
     */
    public <T> T validOrNull(T body) {
        if (body == null && sentABody()) {
            throw ProblemException.badRequest("The request body must be a JSON object, not null.");
        }
        if (body != null) {
            Set<ConstraintViolation<T>> violations = validator.validate(body);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
        return body;
    }

    /** {@link #validOrNull}, or {@code absent} when the request had no body: a route whose body is all defaults. */
    public <T> T validOr(T body, java.util.function.Supplier<T> absent) {
        T valid = validOrNull(body);
        return valid != null ? valid : absent.get();
    }

    /** Whether the current request carried a body (anything but white space). */
    private boolean sentABody() {
        RoutingContext context = currentRequest.getCurrent();
        Buffer buffer = context == null ? null : context.body().buffer();
        return buffer != null && !buffer.toString().isBlank();
    }

    private static final class EveryPropertyReachable implements TraversableResolver {

        @Override
        public boolean isReachable(Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty,
                                   ElementType elementType) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node property, Class<?> rootBeanType, Path pathToProperty,
                                    ElementType elementType) {
            return true;
        }
    }
}
