package dev.paddock.dialect;

import dev.paddock.common.ParameterPatterns;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.job.JobQueries;
import dev.paddock.job.JobRequests;
import dev.paddock.job.JobService;
import dev.paddock.job.JobStats;
import dev.paddock.job.JobView;
import dev.paddock.joblog.JobLogReader;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * BambooSnow's runs API (DIALECTS.md §5): a run is a job, its agent the runner that ran it
 * ({@code agent.template} the job type), its repository the job's. Filters and fields under
 * BambooSnow's names, answered from the same queries as {@code /api/jobs}.
 */
@Path("/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dialect: BambooSnow", description = "BambooSnow's runs: a person's JWT or an API key (Bearer) with jobs:read; jobs:manage to cancel and retry. Statuses are Paddock's: queued, running, success, failure, cancelled, timeout.")
@SecurityRequirement(name = "jwt")
public class BambooSnowResource {

    /** BambooSnow's query parameters that Paddock's job queries know under another name. */
    private static final Map<String, String> PADDOCK_NAMES = Map.of("agent_id", "runner_id", "repository_id", "repository");

    @Inject
    Authenticator auth;

    @Inject
    JobQueries queries;

    @Inject
    JobService jobs;

    @Inject
    JobStats stats;

    @Inject
    JobLogReader logs;

    @Inject
    Bodies bodies;

    @Context
    UriInfo uriInfo;

    public record RunSummary(UUID id, UUID agentId, String agentName, String repository, String status, Object trigger,
                             Integer prNumber, Instant startedAt, Instant completedAt, Long durationMs,
                             int issuesFound) {
    }

    public record Meta(long total, int page, int perPage) {
    }

    @Schema(name = "BambooSnowRuns", example = """
            {"data": [{"id": "6a0f3c2e-9b1d-4c7a-8e5f-2d4b6a8c0e13", "agent_id": "5f0c6a1e-8a43-4f7e-9a7e-0a4a3c1d2b11", "agent_name": "Security Scanner",
                       "repository": "acme/webapp", "status": "success", "trigger": "pull_request", "pr_number": 42,
                       "started_at": "2026-01-15T10:30:00Z", "completed_at": "2026-01-15T10:32:15Z",
                       "duration_ms": 135000, "issues_found": 3}],
             "meta": {"total": 150, "page": 1, "per_page": 20}}""")
    public record Runs(List<RunSummary> data, Meta meta) {
    }

    public record Agent(UUID id, String name, String template) {
    }

    public record Repository(String id, String name) {
    }

    public record Trigger(Object type, Object event) {
    }

    public record PullRequest(Integer number, Object title, Object author, Object url) {
    }

    public record Commit(String sha, String message) {
    }

    public record Results(String summary, List<Map<String, Object>> issues, Integer filesReviewed,
                          Integer linesAnalyzed) {
    }

    @Schema(name = "BambooSnowTokensUsed")

    public record TokensUsed(Object input, Object output) {
    }

    @Schema(name = "BambooSnowRun", example = """
            {"id": "6a0f3c2e-9b1d-4c7a-8e5f-2d4b6a8c0e13", "agent": {"id": "5f0c6a1e-8a43-4f7e-9a7e-0a4a3c1d2b11", "name": "Security Scanner", "template": "security-scanner"},
             "repository": {"id": "acme/webapp", "name": "acme/webapp"}, "status": "success",
             "trigger": {"type": "pull_request", "event": "opened"},
             "pull_request": {"number": 42, "title": "Add user authentication", "author": "developer",
                              "url": "https://github.com/acme/webapp/pull/42"},
             "commit": {"sha": "abc123def456", "message": "Add login endpoint"},
             "started_at": "2026-01-15T10:30:00Z", "completed_at": "2026-01-15T10:32:15Z", "duration_ms": 135000,
             "results": {"summary": "Found 3 potential security issues", "issues": [], "files_reviewed": 12,
                         "lines_analyzed": 847},
             "actions_taken": [{"type": "comment", "target": "pull_request"}],
             "tokens_used": {"input": 15420, "output": 2340}}""")
    public record Run(UUID id, Agent agent, Repository repository, String status, Trigger trigger,
                      PullRequest pullRequest, Commit commit, Instant startedAt, Instant completedAt, Long durationMs,
                      Results results, List<Object> actionsTaken, TokensUsed tokensUsed) {
    }

    public record Cancelled(UUID id, String status, Instant cancelledAt) {
    }

    @Schema(name = "BambooSnowRetried")

    public record Retried(UUID originalRunId, UUID newRunId, String status) {
    }

    public record Line(Instant timestamp, String level, String message, Object data) {
    }

    @Schema(name = "BambooSnowLogs")

    public record Logs(UUID runId, List<Line> logs) {
    }

    public record RunStats(long totalRuns, long successful, long failed, double successRate, long avgDurationMs,
                           long totalIssuesFound, Map<String, Long> issuesBySeverity) {
    }

    @Schema(name = "BambooSnowDay")

    public record Day(LocalDate date, long runs, long successful) {
    }

    @Schema(name = "BambooSnowStats")

    public record Stats(String period, RunStats stats, List<Day> dailyBreakdown) {
    }

    @GET
    @PersonAccess(Scopes.JOBS_READ)
    @Operation(summary = "Runs", description = "Filters agent_id (runner id), repository_id (repository), status, pr_number, since, until; page (from 1), per_page (default 50, max 200). Newest first. {data: [...], meta: {total, page, per_page}}.")
    @Parameter(name = "agent_id", in = ParameterIn.QUERY, description = "The agent (runner) that runs or ran it", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "repository_id", in = ParameterIn.QUERY, description = "The repository (owner/name)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The run's status", schema = @Schema(enumeration = {"queued", "running", "success", "failure", "cancelled", "timeout"}))
    @Parameter(name = "pr_number", in = ParameterIn.QUERY, description = "The pull request's number", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "2147483647"))
    @Parameter(name = "since", in = ParameterIn.QUERY, description = "Created at or after (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "until", in = ParameterIn.QUERY, description = "Created before (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "page", in = ParameterIn.QUERY, description = "The page, from 1", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "" + dev.paddock.common.PageRequest.MAX_PAGE))
    @Parameter(name = "per_page", in = ParameterIn.QUERY, description = "Runs a page (default 50)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200"))
    public Runs list() {
        Person person = auth.person();
        JobView.Page page = underBambooSnowNames(() -> queries.list(person.tenant(), paddockQuery()));
        List<RunSummary> runs = page.jobs().stream().map(job -> new RunSummary(job.id(),
                job.runner() == null ? null : job.runner().id(), job.runner() == null ? null : job.runner().name(),
                job.repository(), job.status(), job.trigger() == null ? null : job.trigger().get("type"),
                job.prNumber(), job.startedAt(), job.completedAt(), job.durationMs(), job.issuesFound())).toList();
        return new Runs(runs, new Meta(page.total(), page.offset() / page.limit() + 1, page.limit()));
    }

    @GET
    @Path("stats")
    @PersonAccess(Scopes.JOBS_READ)
    @Operation(summary = "Run statistics", description = "agent_id, repository_id, period (day | week | month, default week). success_rate is a fraction from 0 to 1.")
    @Parameter(name = "agent_id", in = ParameterIn.QUERY, description = "The agent (runner) that runs or ran it", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "repository_id", in = ParameterIn.QUERY, description = "The repository (owner/name)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "period", in = ParameterIn.QUERY, description = "The rolling period the figures cover (default week)", schema = @Schema(enumeration = {"day", "week", "month"}))
    public Stats stats() {
        Person person = auth.person();
        JobStats.Stats computed = underBambooSnowNames(() -> stats.compute(person.tenant(), paddockQuery()));
        JobStats.Totals totals = computed.stats();
        return new Stats(computed.period(), new RunStats(totals.totalJobs(), totals.successful(), totals.failed(),
                totals.successRate(), totals.avgDurationMs(), totals.totalIssuesFound(), totals.issuesBySeverity()),
                computed.dailyBreakdown().stream().map(day -> new Day(day.date(), day.jobs(), day.successful())).toList());
    }

    @GET
    @Path("{id}")
    @PersonAccess(Scopes.JOBS_READ)
    @Operation(summary = "One run", description = "The bare run, not wrapped.")
    public Run get(@PathParam("id") String id) {
        JobView job = queries.detail(auth.person().tenant(), Ids.parse(id, "Run"));
        Map<String, Object> trigger = job.trigger() == null ? Map.of() : job.trigger();
        Map<String, Object> pullRequest = job.pullRequest() == null ? Map.of() : job.pullRequest();
        Map<String, Object> tokens = job.tokensUsed();
        return new Run(job.id(),
                // a run not yet started has no runner, but has its template
                new Agent(job.runner() == null ? null : job.runner().id(), job.runner() == null ? null : job.runner().name(),
                        job.type()),
                job.repository() == null ? null : new Repository(job.repository(), job.repository()),
                job.status(), new Trigger(trigger.get("type"), trigger.get("event")),
                job.prNumber() == null && pullRequest.isEmpty() ? null : new PullRequest(
                        job.prNumber() != null ? job.prNumber() : number(pullRequest.get("number")),
                        pullRequest.get("title"), pullRequest.get("author"), pullRequest.get("url")),
                new Commit(job.commitSha(), job.commitMessage()), job.startedAt(), job.completedAt(), job.durationMs(),
                new Results(job.summary(), job.issues(), job.filesReviewed(), job.linesAnalyzed()),
                job.actionsTaken(), tokens == null ? null : new TokensUsed(tokens.get("input"), tokens.get("output")));
    }

    @POST
    @Path("{id}/cancel")
    @PersonAccess(Scopes.JOBS_MANAGE)
    @Operation(summary = "Cancel a run", description = "{reason} -> {id, status: cancelled, cancelled_at}; 409 for a finished run.")
    public Cancelled cancel(@PathParam("id") String id, @RequestBody(required = false) JobRequests.Cancel body) {
        JobRequests.Cancel request = bodies.validOrNull(body);
        JobView job = jobs.cancel(auth.person().tenant(), Ids.parse(id, "Run"), request == null ? null : request.reason());
        return new Cancelled(job.id(), job.status(), job.cancelledAt());
    }

    @POST
    @Path("{id}/retry")
    @PersonAccess(Scopes.JOBS_MANAGE)
    @Operation(summary = "Retry a finished run", description = "{config_override} merged into a copy of the payload -> 201 {original_run_id, new_run_id, status: queued}.")
    @APIResponseSchema(value = Retried.class, responseCode = "201", responseDescription = "The copy, queued")
    public RestResponse<Retried> retry(@PathParam("id") String id, @RequestBody(required = false) JobRequests.Retry body) {
        JobRequests.Retry request = bodies.validOrNull(body);
        UUID originalId = Ids.parse(id, "Run");
        JobView copy = jobs.retry(auth.person().tenant(), originalId, request == null ? null : request.configOverride());
        return RestResponse.status(RestResponse.Status.CREATED, new Retried(originalId, copy.id(), copy.status()));
    }

    @GET
    @Path("{id}/logs")
    @PersonAccess(Scopes.JOBS_READ)
    @Operation(summary = "A run's logs", description = "level (minimum), since, limit (default 1000, max 10000) -> {run_id, logs: [{timestamp, level, message, data}]}.")
    @Parameter(name = "level", in = ParameterIn.QUERY, description = "The minimum level: warn gives warn and error", schema = @Schema(enumeration = {"debug", "info", "warn", "error"}))
    @Parameter(name = "since", in = ParameterIn.QUERY, description = "Lines at or after this time (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Lines at most (default 1000)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10000"))
    public Logs logs(@PathParam("id") String id) {
        JobLogReader.Logs read = logs.logs(auth.person().tenant(), Ids.parse(id, "Run"), uriInfo.getQueryParameters());
        return new Logs(read.jobId(), read.logs().stream()
                .map(line -> new Line(line.timestamp(), line.level(), line.message(), line.data())).toList());
    }

    /** The request's query with BambooSnow's parameter names in Paddock's. */
    private MultivaluedMap<String, String> paddockQuery() {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        uriInfo.getQueryParameters().forEach((name, values) -> query.put(PADDOCK_NAMES.getOrDefault(name, name), values));
        return query;
    }

    /** A refused parameter is named as the caller sent it. */
    private static <T> T underBambooSnowNames(Supplier<T> query) {
        try {
            return query.get();
        } catch (ProblemException e) {
            List<FieldError> errors = e.toProblem().errors();
            if (errors == null || errors.isEmpty()) {
                throw e;
            }
            throw ProblemException.invalid(errors.stream().map(error -> new FieldError(PADDOCK_NAMES.entrySet().stream()
                    .filter(alias -> alias.getValue().equals(error.field())).map(Map.Entry::getKey).findFirst()
                    .orElse(error.field()), error.message())).toList());
        }
    }

    private static Integer number(Object value) {
        return value instanceof Number n ? n.intValue() : null;
    }
}
