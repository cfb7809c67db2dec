package dev.paddock.feed;

import dev.paddock.common.OpenApiSchemas;
import dev.paddock.common.ParameterPatterns;
import dev.paddock.common.ServerSentEvent;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.QueryParams;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.Explode;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The tenant's events, to catch up from and to follow live. */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "Every change of a job's or a runner's state, in commit order")
@SecurityRequirement(name = "jwt")
public class EventResource {

    private static final Pattern TYPE = Pattern.compile(ParameterPatterns.EVENT_TYPE_FILTER);
    private static final Pattern SEQUENCE = Pattern.compile(ParameterPatterns.SEQUENCE);

    @Inject
    Authenticator auth;

    @Inject
    EventFeed feed;

    @Inject
    EventStream stream;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "The tenant's events after a sequence number",
            description = "after (a sequence, default 0), type (exact, or a prefix ending in *; repeatable), limit "
                    + "(1-1000, default 100) -> {events: [CloudEvents 1.0 JSON, sequence order], next_after}. "
                    + "jobs:read sees paddock.job.*, runners:read paddock.runner.*. An event is numbered within a second of its commit; a reader "
                    + "that follows next_after never skips one.")
    @PersonAccess({Scopes.JOBS_READ, Scopes.RUNNERS_READ, Scopes.API_KEYS_MANAGE, Scopes.WEBHOOKS_MANAGE})
    @Parameter(name = "after", in = ParameterIn.QUERY, description = "Events after this sequence (next_after of the page before; default 0)", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "9223372036854775807"))
    @Parameter(name = "type", in = ParameterIn.QUERY, description = "Repeatable: an event type, or a prefix ending in * (paddock.job.*)", explode = Explode.TRUE, schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, extensions = @Extension(name = OpenApiSchemas.ITEMS_PATTERN, value = ParameterPatterns.EVENT_TYPE_FILTER)))
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Events at most (default 100)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000"))
    public EventFeed.Page events() {
        Person person = auth.person();
        var query = uriInfo.getQueryParameters();
        List<FieldError> errors = new ArrayList<>();
        long after = 0;
        String afterText = query.getFirst("after");
        if (afterText != null) {
            after = sequence(afterText, "after", errors);
        }
        List<String> types = types(errors);
        Integer limit = QueryParams.integer(query, "limit", 1, 1000, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return feed.after(person, after, types, limit == null ? 100 : limit);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RunOnVirtualThread
    @Operation(summary = "The tenant's events, live (Server-Sent Events)",
            description = "One event each: id = its sequence, event = its type, data = the CloudEvent as one line of "
                    + "JSON; live across replicas, with keep-alive comments. Starts after the newest event at the time "
                    + "of the request, or after Last-Event-ID; type filters as GET /api/events.")
    @PersonAccess({Scopes.JOBS_READ, Scopes.RUNNERS_READ, Scopes.API_KEYS_MANAGE, Scopes.WEBHOOKS_MANAGE})
    @APIResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ServerSentEvent.class)))
    @Parameter(name = "type", in = ParameterIn.QUERY, description = "Repeatable: an event type, or a prefix ending in * (paddock.job.*)", explode = Explode.TRUE, schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, extensions = @Extension(name = OpenApiSchemas.ITEMS_PATTERN, value = ParameterPatterns.EVENT_TYPE_FILTER)))
    public void stream(@Parameter(description = "Resume after this event's sequence", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.SEQUENCE)) @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink,
                       @Context Sse sse) {
        Person person = auth.person();
        List<FieldError> errors = new ArrayList<>();
        long after = lastEventId == null || lastEventId.isBlank() ? -1
                : SEQUENCE.matcher(lastEventId.trim()).matches() ? sequence(lastEventId, "Last-Event-ID", errors)
                : invalidSequence("Last-Event-ID", errors);
        List<String> types = types(errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        stream.stream(person, after < 0 ? stream.newest(person.tenant()) : after, types, sink, sse);
    }

    private static long sequence(String text, String field, List<FieldError> errors) {
        try {
            long sequence = Long.parseLong(text.trim());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return invalidSequence(field, errors);
    }

    private static long invalidSequence(String field, List<FieldError> errors) {
        errors.add(new FieldError(field, "must be a sequence number, 0 or more"));
        return 0;
    }

    private List<String> types(List<FieldError> errors) {
        List<String> types = uriInfo.getQueryParameters().getOrDefault("type", List.of());
        if (types.stream().anyMatch(type -> !TYPE.matcher(type).matches())) {
            errors.add(new FieldError("type", "must be an event type, or a prefix ending in *"));
        }
        return types;
    }
}
