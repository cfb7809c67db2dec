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
import jakarta.ws.rs.PathParam;
import dev.paddock.common.Ids;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.job.JobQueries;
import dev.paddock.job.JobView;
import dev.paddock.queue.QueueSnapshot;
import dev.paddock.apikey.ApiKeyService;
import dev.paddock.apikey.ApiKeyView;
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

        static native TemplateInstance jobs(JobView.Page page, String previous, String next);

        static native TemplateInstance queue(List<QueueRow> queues);

        static native TemplateInstance apiKeys(ApiKeyView.Page page);

        static native TemplateInstance job(JobView job, boolean canManage, boolean isFinal);
    }

    /** A label set of the queue, and whether any runner at all has its labels. */
    public record QueueRow(QueueSnapshot.Entry entry, boolean servable) {
    }

    /** A runner as the fleet table shows it. */
    public record RunnerRow(RunnerView runner, String lastSeen) {
    }

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runnerService;

    @Inject
    JobQueries jobQueries;

    @Inject
    QueueSnapshot queueSnapshot;

    @Inject
    ApiKeyService apiKeyService;

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

    /** As {@code GET /api/api-keys}: a person's keys (every key with api-keys:manage); a key is refused (403). */
    @GET
    @Path("api-keys")
    @Operation(hidden = true)
    @PersonAccess
    public String apiKeys() {
        return Templates.apiKeys(apiKeyService.list(auth.person(), PageRequest.from(uriInfo.getQueryParameters())))
                .render();
    }

    /** As {@code GET /api/queue}, with the label sets no runner has marked. */
    @GET
    @Path("queue")
    @Operation(hidden = true)
    @PersonAccess(Scopes.JOBS_READ)
    public String queue() {
        String tenant = auth.person().tenant();
        List<QueueRow> rows = queueSnapshot.take(tenant).stream()
                .map(entry -> new QueueRow(entry, queueSnapshot.runnersMatching(tenant, entry.labels()) > 0)).toList();
        return Templates.queue(rows).render();
    }

    /** As {@code GET /api/jobs}: the same filters and paging, the same scope. */
    @GET
    @Path("jobs")
    @Operation(hidden = true)
    @PersonAccess(Scopes.JOBS_READ)
    public String jobs() {
        var query = uriInfo.getQueryParameters();
        JobView.Page page = jobQueries.list(auth.person().tenant(), query);
        String previous = page.offset() == 0 ? null : Integer.toString(Math.max(0, page.offset() - page.limit()));
        String next = page.offset() + page.jobs().size() >= page.total() ? null
                : Integer.toString(page.offset() + page.limit());
        return Templates.jobs(page, previous, next).render();
    }

    /** As {@code GET /api/jobs/{id}}: the job, why it waits, its result; cancel and retry with jobs:manage. */
    @GET
    @Path("jobs/{id}")
    @Operation(hidden = true)
    @PersonAccess(Scopes.JOBS_READ)
    public String job(@PathParam("id") String id) {
        Person person = auth.person();
        JobView job = jobQueries.detail(person.tenant(), Ids.parse(id, "Job"));
        boolean isFinal = JobStatus.of(job.status()).isFinal();
        return Templates.job(job, person.has(Scopes.JOBS_MANAGE), isFinal).render();
    }
}
