package dev.paddock.common;

import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.problem.ProblemMappers;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.HibernateValidatorFactory;

import java.lang.annotation.ElementType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

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
        return validOrNull(required(body));
    }

    /** A body the route cannot do without: 400 when the request had none (its fields checked by {@link #valid(Object, List)}). */
    public <T> T required(T body) {
        if (body == null) {
            throw ProblemException.badRequest("A JSON request body is required.");
        }
        return body;
    }

    /**
     * {@link #valid}, together with what the route found wrong in the same request that Bean
     * Validation cannot see ({@code further}: a URL's host, an event type, a header that does not
     * parse): every invalid field of both in one 400, a field both name once, as Bean Validation
     * names it.
     */
    public <T> T valid(T body, List<FieldError> further) {
        return validAs(body, Map.of(), further);
    }

    /**
     * {@link #valid} of a dialect's body in its canonical form: an invalid field is named as the
     * dialect's body names it ({@code dialectNames}: canonical name → the dialect's), not by the
     * canonical name the caller never sent.
     */
    public <T> T validAs(T canonical, Map<String, String> dialectNames) {
        return validAs(canonical, dialectNames, List.of());
    }

    /** {@link #validAs}, with the route's own findings as {@link #valid(Object, List)} takes them. */
    public <T> T validAs(T canonical, Map<String, String> dialectNames, List<FieldError> further) {
        return checked(required(canonical), dialectNames, further);
    }

    /** The one place a body is checked: Bean Validation's findings, named as the caller sent them, then the route's. */
    private <T> T checked(T body, Map<String, String> dialectNames, List<FieldError> further) {
        List<FieldError> errors = new ArrayList<>();
        Set<ConstraintViolation<T>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            errors.addAll(ProblemMappers.fieldErrors(violations,
                    name -> dialectNames.getOrDefault(name, name)));
        }
        Set<String> named = new HashSet<>();
        errors.forEach(error -> named.add(error.field()));
        further.stream().filter(error -> !named.contains(error.field())).forEach(errors::add);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return body;
    }

    /**
     * An optional body, valid, or null when the request had none. A JSON {@code null} reads as no
     * body, but is one: refused, as every request body is an object.
     */
    public <T> T validOrNull(T body) {
        if (body == null && sentABody()) {
            throw ProblemException.badRequest("The request body must be a JSON object, not null.");
        }
        return body == null ? null : checked(body, Map.of(), List.of());
    }

    /** {@link #validOrNull}, or {@code absent} when the request had no body: a route whose body is all defaults. */
    public <T> T validOr(T body, Supplier<T> absent) {
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
