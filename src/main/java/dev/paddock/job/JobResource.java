package dev.paddock.job;

import dev.paddock.common.OpenApiSchemas;
import dev.paddock.common.ParameterPatterns;
import dev.paddock.common.ServerSentEvent;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.dispatch.Job;
import dev.paddock.joblog.JobLogReader;
import dev.paddock.joblog.JobLogStream;
import dev.paddock.problem.ProblemException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.Explode;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.UUID;

/** People's routes for jobs. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs", description = "Jobs, for people and their automation")
@SecurityRequirement(name = "jwt")
public class JobResource {

    private static final java.util.regex.Pattern SEQUENCE = java.util.regex.Pattern.compile(ParameterPatterns.SEQUENCE);

    @Inject
    Authenticator auth;

    @Inject
    JobService jobs;

    @Inject
    JobQueries queries;

    @Inject
    Bodies bodies;

    @Inject
    JobStats stats;

    @Inject
    JobLogStream logStream;

    @Inject
    JobLogReader logs;

    @Context
    UriInfo uriInfo;

    @Schema(name = "JobRetried")

    public record Retried(UUID originalJobId, UUID newJobId, String status) {
    }

    @POST
    @Operation(summary = "Enqueue a job", description = "With an Idempotency-Key header a retried request returns the first job (201 again, same body) instead of a second one. Secrets are encrypted at rest and only their names are ever shown.")
    @PersonAccess(Scopes.JOBS_MANAGE)
    @APIResponseSchema(value = JobView.One.class, responseCode = "201", responseDescription = "Enqueued, or the job an earlier request with the same Idempotency-Key enqueued")
    public RestResponse<JobView.One> enqueue(JobRequests.Enqueue body, @Parameter(description = "Makes a retried enqueue return the first job", schema = @Schema(type = SchemaType.STRING, maxLength = 200)) @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Person person = auth.person();
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
        if (key != null && key.length() > 200) {
            throw ProblemException.invalid("Idempotency-Key", "must be at most 200 characters");
        }
        JobService.Enqueued enqueued = jobs.enqueue(person, bodies.valid(body), key);
        return RestResponse.status(RestResponse.Status.CREATED, new JobView.One(enqueued.job()));
    }

    @GET
    @Operation(summary = "List jobs", description = "Filters status, type, runner_id, repository, pr_number, label (repeatable), since/until on created_at (ISO-8601). Newest first.")
    @PersonAccess(Scopes.JOBS_READ)
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The job's status", schema = @Schema(enumeration = {"queued", "running", "success", "failure", "cancelled", "timeout"}))
    @Parameter(name = "type", in = ParameterIn.QUERY, description = "The job's type", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "runner_id", in = ParameterIn.QUERY, description = "The runner that runs or ran it", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "repository", in = ParameterIn.QUERY, description = "The repository (owner/name)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "pr_number", in = ParameterIn.QUERY, description = "The pull request's number", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "2147483647"))
    @Parameter(name = "label", in = ParameterIn.QUERY, description = "Repeatable, or comma-separated: every one must be among the job's labels", explode = Explode.TRUE, schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, extensions = @Extension(name = OpenApiSchemas.ITEMS_PATTERN, value = ParameterPatterns.LABELS)))
    @Parameter(name = "since", in = ParameterIn.QUERY, description = "Created at or after (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "until", in = ParameterIn.QUERY, description = "Created before (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    public JobView.Page list() {
        Person person = auth.person();
        return queries.list(person.tenant(), uriInfo.getQueryParameters());
    }

    @GET
    @Path("stats")
    @Operation(summary = "Job statistics", description = "period day|week|month (default week); filters type, repository, runner_id. success_rate is the fraction (0-1, four decimals, e.g. 0.962) of the period's jobs that succeeded; avg_duration_ms is over finished (success/failure) jobs, 0 when there are none.")
    @PersonAccess(Scopes.JOBS_READ)
    @Parameter(name = "period", in = ParameterIn.QUERY, description = "The rolling period the figures cover (default week)", schema = @Schema(enumeration = {"day", "week", "month"}))
    @Parameter(name = "type", in = ParameterIn.QUERY, description = "The job's type", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "repository", in = ParameterIn.QUERY, description = "The repository (owner/name)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    @Parameter(name = "runner_id", in = ParameterIn.QUERY, description = "The runner that runs or ran it", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    public JobStats.Stats stats() {
        Person person = auth.person();
        return stats.compute(person.tenant(), uriInfo.getQueryParameters());
    }

    @GET
    @Path("{id}/logs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RunOnVirtualThread
    @Operation(summary = "Live log stream (Server-Sent Events)", description = "One unnamed event a line (id = its sequence, data = {seq, attempt, timestamp, level, message, data}; resumes after Last-Event-ID), keep-alive comments, then an event named 'end' when the job is final.")
    @PersonAccess(Scopes.JOBS_READ)
    @APIResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ServerSentEvent.class)))
    public void stream(@PathParam("id") String id,
                       @Parameter(description = "Resume after this line's sequence", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.SEQUENCE)) @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) {
        Person person = auth.person();
        UUID jobId = Ids.parse(id, "Job");
        logs.statusOf(person.tenant(), jobId);
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            if (!SEQUENCE.matcher(lastEventId.trim()).matches()) {
                throw ProblemException.invalid("Last-Event-ID", "must be a log sequence number");
            }
            after = Long.parseLong(lastEventId.trim());
        }
        logStream.stream(person.tenant(), jobId, after, sink, sse);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One job", description = "With runner {id, name}, the result, and for a queued job why it waits.")
    @PersonAccess(Scopes.JOBS_READ)
    public JobView.One get(@PathParam("id") String id) {
        Person person = auth.person();
        return new JobView.One(queries.detail(person.tenant(), Ids.parse(id, "Job")));
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A running job's runner learns it at its next heartbeat or job call. 409 for a final job.")
    @PersonAccess(Scopes.JOBS_MANAGE)
    public JobView.One cancel(@PathParam("id") String id, @RequestBody(required = false) JobRequests.Cancel body) {
        Person person = auth.person();
        JobRequests.Cancel request = bodies.validOrNull(body);
        return new JobView.One(jobs.cancel(person.tenant(), Ids.parse(id, "Job"),
                request == null ? null : request.reason()));
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Retry a final job", description = "config_override is merged into a copy of the payload; 409 unless the job is final.")
    @PersonAccess(Scopes.JOBS_MANAGE)
    @APIResponseSchema(value = Retried.class, responseCode = "201", responseDescription = "The copy, queued")
    public RestResponse<Retried> retry(@PathParam("id") String id, @RequestBody(required = false) JobRequests.Retry body) {
        Person person = auth.person();
        JobRequests.Retry request = bodies.validOrNull(body);
        UUID originalId = Ids.parse(id, "Job");
        JobView copy = jobs.retry(person.tenant(), originalId, request == null ? null : request.configOverride());
        return RestResponse.status(RestResponse.Status.CREATED, new Retried(originalId, copy.id(), copy.status()));
    }

    @GET
    @Path("{id}/logs")
    @Operation(summary = "A job's logs", description = "level (minimum), since (timestamp), after (sequence), limit (default 1000, max 10000).")
    @PersonAccess(Scopes.JOBS_READ)
    @Parameter(name = "level", in = ParameterIn.QUERY, description = "The minimum level: warn gives warn and error", schema = @Schema(enumeration = {"debug", "info", "warn", "error"}))
    @Parameter(name = "since", in = ParameterIn.QUERY, description = "Lines at or after this time (ISO-8601)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @Parameter(name = "after", in = ParameterIn.QUERY, description = "Lines after this sequence number (next_after of the page before)", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "2147483647"))
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Lines at most (default 1000)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10000"))
    public JobLogReader.Logs logs(@PathParam("id") String id) {
        Person person = auth.person();
        return logs.logs(person.tenant(), Ids.parse(id, "Job"), uriInfo.getQueryParameters());
    }
}
