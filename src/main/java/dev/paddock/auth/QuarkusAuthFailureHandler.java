package dev.paddock.auth;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.function.BiConsumer;

/**
 * Keeps Quarkus's HTTP authentication from costing every request a lookup of its route.
 * <p>
 * Paddock authenticates callers itself ({@link AccessFilter}); {@code quarkus-smallrye-jwt}, whose
 * JWT parser it uses, still installs Quarkus's HTTP authentication handler, which gives every
 * request a default authentication-failure handler. When the REST layer sees that default handler,
 * it names the request's route template for metrics of a failure to come by building a request
 * mapper over every resource class — on every request, 9 % of a heartbeat's service CPU in a
 * profile (Quarkus 3.37.3, {@code ObservabilityIntegrationRecorder.setTemplatePath}). Lazy
 * authentication with no mechanism ever asked for an identity never calls the handler.
 * <p>
 * This filter runs right after the authentication handler (the same priority, registered after
 * it) and before the REST layer's (one lower), and puts in its place a handler that fails the
 * request as the REST layer's own replacement does, so nothing changes but the lookup.
 */
@ApplicationScoped
public class QuarkusAuthFailureHandler {

    /** The routing context key Quarkus keeps the authentication-failure handler under. */
    static final String KEY = QuarkusHttpUser.AUTH_FAILURE_HANDLER;

    /** Fails the request with the authentication failure, for the exception mappers to answer. */
    static final BiConsumer<RoutingContext, Throwable> FAIL_THE_REQUEST = (context, failure) -> {
        if (!context.failed()) {
            context.fail(failure);
        }
    };

    void install(@Observes Filters filters) {
        filters.register(context -> {
            context.put(KEY, FAIL_THE_REQUEST);
            context.next();
        }, SecurityHandlerPriorities.AUTHENTICATION);
    }
}
