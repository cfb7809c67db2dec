package dev.paddock.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bodies over {@code quarkus.http.limits.max-body-size} (1 MiB) are refused by Vert.x with a bare
 * 413 before any resource runs. A body announced too large by its Content-Length is refused here
 * first, with the problem+json every other error has; chunked bodies still meet the bare limit.
 */
@ApplicationScoped
public class BodyTooLargeHandler {

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::refuseOversized);
    }

    private void refuseOversized(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null && tooLarge(length)) {
            Problem problem = Problem.of(413, "payload-too-large", "Payload too large",
                    "Request bodies may be at most " + limit.asLongValue() + " bytes.", null);
            try {
                context.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(json.writeValueAsString(problem));
            } catch (JsonProcessingException e) {
                context.response().setStatusCode(413).end();
            }
            return;
        }
        context.next();
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > limit.asLongValue();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
