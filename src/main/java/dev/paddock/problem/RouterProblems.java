package dev.paddock.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.VertxException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Requests the HTTP router refuses before any resource sees them (no Host header, a path not
 * starting with {@code /}) get problem+json like every other error, instead of an empty body or
 * Quarkus's error page. A request line Netty itself refuses ({@code {}, {@code |}, a malformed
 * %-escape) never reaches the router: Vert.x answers it with an empty 400, and Quarkus offers no
 * hook to replace that handler.
 */
@ApplicationScoped
public class RouterProblems {

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(context -> {
            // resources answer their own errors; a 4xx failing the route is the HTTP layer's refusal
            int status = context.statusCode();
            if (status < 400 || status >= 500 || context.response().ended()) {
                context.next();
                return;
            }
            answer(context, json, switch (status) {
                case 400 -> Problem.of(400, "bad-request", "Bad request", "The HTTP layer cannot read the request"
                        + (context.failure() instanceof VertxException refusal && refusal.getMessage() != null
                        ? ": " + refusal.getMessage() + "." : "."), null);
                case 404 -> Problem.of(404, "not-found", "Not found", "No route matches this path.", null);
                case 413 -> RequestBodyReader.tooLarge(limit);
                default -> Problem.of(status, "http-" + status, HttpResponseStatus.valueOf(status).reasonPhrase(),
                        "The HTTP layer refused the request.", null);
            }, false);
        });
    }

    /** Answers {@code problem} unless an answer was already sent; {@code closeConnection} for bodies left unread. */
    static void answer(RoutingContext context, ObjectMapper json, Problem problem, boolean closeConnection) {
        if (context.response().ended()) {
            return;
        }
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (closeConnection) {
            context.response().putHeader("Connection", "close");
        }
        try {
            context.response().end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            context.response().end();
        }
    }
}
