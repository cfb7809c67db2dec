package dev.paddock.feed;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.QueryParams;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The tenant's events, to catch up from. */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "Every change of a job's or a runner's state, in commit order")
@SecurityRequirement(name = "jwt")
public class EventResource {

    private static final Pattern TYPE = Pattern.compile("[a-z0-9_.]{1,64}\\*?");

    @Inject
    Authenticator auth;

    @Inject
    EventFeed feed;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "The tenant's events after a sequence number",
            description = "after (a sequence, default 0), type (exact, or a prefix ending in *; repeatable), limit "
                    + "(1-1000, default 100) -> {events: [CloudEvents 1.0 JSON, sequence order], next_after}. "
                    + "jobs:read sees paddock.job.*, runners:read paddock.runner.*. An event is numbered within a second of its commit; a reader "
                    + "that follows next_after never skips one.")
    @PersonAccess({Scopes.JOBS_READ, Scopes.RUNNERS_READ, Scopes.API_KEYS_MANAGE, Scopes.WEBHOOKS_MANAGE})
    public EventFeed.Page events() {
        Person person = auth.person();
        var query = uriInfo.getQueryParameters();
        List<FieldError> errors = new ArrayList<>();
        long after = 0;
        String afterText = query.getFirst("after");
        if (afterText != null) {
            try {
                after = Long.parseLong(afterText.trim());
                if (after < 0) {
                    errors.add(new FieldError("after", "must be a sequence number, 0 or more"));
                }
            } catch (NumberFormatException e) {
                errors.add(new FieldError("after", "must be a sequence number, 0 or more"));
            }
        }
        List<String> types = query.getOrDefault("type", List.of());
        for (String type : types) {
            if (!TYPE.matcher(type).matches()) {
                errors.add(new FieldError("type", "must be an event type, or a prefix ending in *"));
            }
        }
        Integer limit = QueryParams.integer(query, "limit", 1, 1000, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return feed.after(person, after, types, limit == null ? 100 : limit);
    }
}
