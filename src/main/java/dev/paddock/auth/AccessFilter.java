package dev.paddock.auth;

import dev.paddock.problem.ProblemException;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.BlockingOperationControl;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Every route states who may call it ({@link PersonAccess}, {@link RunnerAccess},
 * {@link PersonOrRunnerAccess}, {@link PublicAccess}, on the method or its class), and the caller
 * is proven here, before the body is read and before the resource runs. A route that states
 * nothing answers 401 to everyone: forgetting the declaration closes a route, never opens it.
 */
public class AccessFilter {

    private static final List<Class<? extends Annotation>> RULES =
            List.of(PublicAccess.class, PersonAccess.class, RunnerAccess.class, PersonOrRunnerAccess.class);

    @Inject
    Authenticator auth;

    /**
     * Decides on the request's thread; a non-blocking route (the heartbeat) runs its filters on an
     * event loop, which must not wait for the database: there a runner this replica knows is
     * admitted from memory, and any other caller is decided on a worker thread, after which the
     * request goes on on its event loop. Null: decided, go on.
     */
    @ServerRequestFilter
    public Uni<Void> admit(ResourceInfo resource, ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return null;
        }
        Annotation found = ruleOn(method);
        Annotation rule = found != null ? found : ruleOn(resource.getResourceClass());
        if (BlockingOperationControl.isBlockingAllowed()) {
            decide(rule, request);
            return null;
        }
        if (rule instanceof RunnerAccess runner && runner.tokenInQuery().isEmpty()
                && auth.admitKnownRunner(!runner.recordsSignOfLife())) {
            return null;
        }
        ManagedContext requestScope = Arc.container().requestContext();
        InjectableContext.ContextState state = requestScope.getState();
        return Uni.createFrom().completionStage(() -> Vertx.currentContext().<Void>executeBlocking(() -> {
            requestScope.activate(state);
            try {
                decide(rule, request);
                return null;
            } finally {
                requestScope.deactivate();
            }
        }, false).toCompletionStage());
    }

    private void decide(Annotation rule, ContainerRequestContext request) {
        switch (rule) {
            case PublicAccess open -> {
            }
            case PersonAccess person -> auth.admitPerson(person.value());
            case RunnerAccess runner when runner.tokenInQuery().isEmpty() ->
                    auth.admitRunner(!runner.recordsSignOfLife(), pathParameter(request, runner.runnerInPath()),
                            pathParameter(request, runner.jobInPath()));
            case RunnerAccess runner -> auth.admitRunnerWithToken(
                    request.getUriInfo().getQueryParameters().getFirst(runner.tokenInQuery()));
            case PersonOrRunnerAccess either ->
                    auth.admitPersonOrRunner(pathParameter(request, either.runnerInPath()), either.value());
            case null, default -> throw ProblemException.unauthorized("This route admits no caller.");
        }
    }

    private static String pathParameter(ContainerRequestContext request, String name) {
        return name.isEmpty() ? null : request.getUriInfo().getPathParameters().getFirst(name);
    }

    /** The access rule declared on a method or class, if any; a method's rule wins over its class's. */
    private static Annotation ruleOn(AnnotatedElement element) {
        if (element == null) {
            return null;
        }
        for (Class<? extends Annotation> kind : RULES) {
            Annotation rule = element.getAnnotation(kind);
            if (rule != null) {
                return rule;
            }
        }
        return null;
    }
}
