package dev.paddock.ui;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.PageRequest;
import dev.paddock.feed.EventFeed;
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
import dev.paddock.common.QueryParams;
import dev.paddock.joblog.JobLogReader;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.ArrayList;
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
        static native TemplateInstance runners(List<RunnerRow> runners, RunnerView.Page page, Pager pager,
                                               boolean canManage, boolean filtered);

        static native TemplateInstance jobs(JobView.Page page, Pager pager);

        static native TemplateInstance queue(List<QueueRow> queues);

        static native TemplateInstance apiKeys(ApiKeyView.Page page, Pager pager);

        static native TemplateInstance job(JobView job, boolean canManage, boolean isFinal, String result);

        static native TemplateInstance log(List<JobLogReader.LogLine> lines, long first, long last);
    }

    /** Events the events page opens with; it keeps at most twice as many as more arrive (app.js). */
    static final int EVENTS_SHOWN = 100;

    /** Lines a page of a job's log holds: the browser keeps a few pages, however long the log. */
    static final int LOG_PAGE = 500;

    /** A label set of the queue, and whether any runner at all has its labels. */
    public record QueueRow(QueueSnapshot.Entry entry, boolean servable) {

        /** How long the oldest queued job has waited, as people read it; "—" when none waits. */
        public String oldestWait() {
            return entry.queued() > 0 ? Ago.span(entry.oldestWaitMs()) : "—";
        }

        /** The waits' median and 95th percentile over the last hour; "—" when no job was claimed. */
        public String waits() {
            return entry.waitP50Ms() == null ? "—" : Ago.span(entry.waitP50Ms()) + " / " + Ago.span(entry.waitP95Ms());
        }
    }

    /**
     * Where a list's page sits: its first and last row (from 1) of {@code total}, and the offsets
     * of the pages before and after it (null at either end).
     */
    public record Pager(long total, int from, int to, String previous, String next) {

        static Pager of(int offset, int limit, int shown, long total) {
            return new Pager(total, shown == 0 ? 0 : offset + 1, offset + shown,
                    offset == 0 ? null : Integer.toString(Math.max(0, offset - limit)),
                    offset + shown >= total ? null : Integer.toString(offset + limit));
        }
    }

    /** A runner as the fleet table shows it. */
    public record RunnerRow(RunnerView runner, String lastSeen) {
    }

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

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

    @Inject
    JobLogReader logReader;

    @Inject
    EventFeed eventFeed;

    @Context
    UriInfo uriInfo;

    /** As {@code GET /api/runners}: the same filters, the same scope; by name, so rows stay where they are. */
    @GET
    @Path("runners")
    @Operation(hidden = true)
    @PersonAccess(Scopes.RUNNERS_READ)
    public String runners() {
        Person person = auth.person();
        var query = uriInfo.getQueryParameters();
        RunnerService.Filters filters = RunnerService.Filters.from(query);
        RunnerView.Page page = runnerService.list(person.tenant(), filters, PageRequest.from(query), false,
                RunnerService.Order.NAME);
        Instant now = Instant.now();
        List<RunnerRow> rows = page.runners().stream()
                .map(runner -> new RunnerRow(runner, Ago.since(runner.lastHeartbeatAt(), now))).toList();
        boolean filtered = filters.status() != null || !filters.labels().isEmpty() || filters.q() != null;
        return Templates.runners(rows, page, Pager.of(page.offset(), page.limit(), rows.size(), page.total()),
                person.has(Scopes.RUNNERS_MANAGE), filtered).render();
    }

    /**
     * What the events page shows as it opens: the caller's newest {@value #EVENTS_SHOWN} events
     * (as {@code GET /api/events} renders them, oldest first) and the sequence its live feed
     * resumes after. JSON: the page draws events itself, as they arrive.
     */
    @GET
    @Path("events")
    @Operation(hidden = true)
    @Produces(MediaType.APPLICATION_JSON)
    @PersonAccess({Scopes.JOBS_READ, Scopes.RUNNERS_READ, Scopes.API_KEYS_MANAGE, Scopes.WEBHOOKS_MANAGE})
    public EventFeed.Page events() {
        return eventFeed.newest(auth.person(), EVENTS_SHOWN);
    }

    /** As {@code GET /api/api-keys}: a person's keys (every key with api-keys:manage); a key is refused (403). */
    @GET
    @Path("api-keys")
    @Operation(hidden = true)
    @PersonAccess
    public String apiKeys() {
        ApiKeyView.Page page = apiKeyService.list(auth.person(), PageRequest.from(uriInfo.getQueryParameters()));
        return Templates.apiKeys(page, Pager.of(page.offset(), page.limit(), page.apiKeys().size(), page.total())).render();
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
        return Templates.jobs(page, Pager.of(page.offset(), page.limit(), page.jobs().size(), page.total())).render();
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
        return Templates.job(job, person.has(Scopes.JOBS_MANAGE), isFinal, pretty(job.result())).render();
    }

    /** A result as people read it: indented JSON; null for none. */
    private String pretty(Object result) {
        try {
            return result == null ? null : json.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(result);
        }
    }

    /**
     * As {@code GET /api/jobs/{id}/logs}, paged back from the tail: the {@value #LOG_PAGE} lines
     * before {@code before} (the last ones without it), each with its sequence number and attempt.
     */
    @GET
    @Path("jobs/{id}/log")
    @Operation(hidden = true)
    @PersonAccess(Scopes.JOBS_READ)
    public String log(@PathParam("id") String id) {
        List<FieldError> errors = new ArrayList<>();
        Integer before = QueryParams.integer(uriInfo.getQueryParameters(), "before", 1, Integer.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<JobLogReader.LogLine> lines = logReader.before(auth.person().tenant(), Ids.parse(id, "Job"),
                before == null ? null : before.longValue(), LOG_PAGE);
        long first = lines.isEmpty() ? (before == null ? 1 : before) : lines.get(0).seq();
        long last = lines.isEmpty() ? first - 1 : lines.get(lines.size() - 1).seq();
        return Templates.log(lines, first, last).render();
    }
}
