package dev.paddock.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Set;

/**
 * Reads every request body on the event loop, whole, before the resource method is dispatched to
 * a worker thread. Without this, Quarkus REST hands a blocking endpoint's body over from the event
 * loop to the worker through a monitor (wait/notifyAll per request), which was the largest single
 * cost of an agent call (a fifth of the CPU samples under heartbeat load, bench/RESULTS.md). A body
 * already read is served to the resource from memory.
 *
 * <p>Bodies over {@code quarkus.http.limits.max-body-size} (1 MiB) get the problem+json 413 every
 * other error has, whether their size was announced by Content-Length or found while reading a
 * chunked body; an empty or list-valued Content-Type gets 415.
 */
@ApplicationScoped
public class RequestBodyReader {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    void install(@Observes Router router) {
        BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit.asLongValue())
                .setMergeFormAttributes(false).setPreallocateBodyBuffer(true);
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (announcedTooLarge(context)) {
                refuse(context);
            } else if (WITH_BODY.contains(context.request().method()) && unusableContentType(context)) {
                RouterProblems.answer(context, json, Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                        "Content-Type must be one media type, application/json.", null), false);
            } else if (WITH_BODY.contains(context.request().method())) {
                reader.handle(context);
            } else {
                context.next();
            }
        }).failureHandler(context -> {
            if (context.failure() instanceof HttpClosedException) {
                // the client went away while sending its body: there is no one left to answer
                return;
            }
            if (context.statusCode() == 413) {
                refuse(context);
            } else {
                context.next();
            }
        });
    }

    private boolean announcedTooLarge(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > limit.asLongValue();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** An empty Content-Type, or a list of them, names no media type a body could be read as. */
    private static boolean unusableContentType(RoutingContext context) {
        String type = context.request().getHeader("Content-Type");
        return type != null && (type.contains(",") || type.split(";", 2)[0].isBlank());
    }

    private void refuse(RoutingContext context) {
        RouterProblems.answer(context, json, tooLarge(limit), true);
    }

    /** The one answer to a body over the limit, however it was found out. */
    static Problem tooLarge(MemorySize limit) {
        return Problem.of(413, "payload-too-large", "Payload too large",
                "Request bodies may be at most " + limit.asLongValue() + " bytes.", null);
    }
}
