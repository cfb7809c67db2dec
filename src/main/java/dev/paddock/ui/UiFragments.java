package dev.paddock.ui;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.PageRequest;
import dev.paddock.fleet.RunnerService;
import dev.paddock.runner.RunnerView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.List;

/**
 * The parts of pages that hold data, as HTML (Qute escapes every value): each guarded as the API
 * route it mirrors, and showing an action only when the caller's scopes allow it.
 */
@Path("/ui/fragments")
@Produces(MediaType.TEXT_HTML)
public class UiFragments {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance runners(List<RunnerRow> runners, RunnerView.Page page, boolean canManage);
    }

    /** A runner as the fleet table shows it. */
    public record RunnerRow(RunnerView runner, String lastSeen) {
    }

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runnerService;

    @Context
    UriInfo uriInfo;

    /** As {@code GET /api/runners}: the same filters, the same scope. */
    @GET
    @Path("runners")
    @Operation(hidden = true)
    @PersonAccess(Scopes.RUNNERS_READ)
    public String runners() {
        Person person = auth.person();
        var query = uriInfo.getQueryParameters();
        RunnerView.Page page = runnerService.list(person.tenant(), RunnerService.Filters.from(query),
                PageRequest.from(query), false);
        Instant now = Instant.now();
        List<RunnerRow> rows = page.runners().stream()
                .map(runner -> new RunnerRow(runner, Ago.since(runner.lastHeartbeatAt(), now))).toList();
        return Templates.runners(rows, page, person.has(Scopes.RUNNERS_MANAGE)).render();
    }
}
