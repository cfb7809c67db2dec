package dev.paddock.job;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** People's routes for jobs. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs", description = "Jobs, for people and their automation")
@SecurityRequirement(name = "jwt")
public class JobResource {

    @Inject
    Authenticator auth;

    @Inject
    JobService jobs;

    @Inject
    JobQueries queries;

    @Inject
    Bodies bodies;

    @Context
    UriInfo uriInfo;

    public record Retried(UUID originalJobId, UUID newJobId, String status) {
    }

    @POST
    @Operation(summary = "Enqueue a job", description = "With an Idempotency-Key header a retried request returns the first job instead of a second one. Secrets are encrypted at rest and only their names are ever shown.")
    public Response enqueue(JobRequests.Enqueue body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        Person person = auth.person(Scopes.JOBS_MANAGE);
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
        if (key != null && key.length() > 200) {
            throw ProblemException.invalid("Idempotency-Key", "must be at most 200 characters");
        }
        JobService.Enqueued enqueued = jobs.enqueue(person, bodies.valid(body), key);
        return Response.status(201).entity(new JobView.One(JobView.of(enqueued.job()))).build();
    }

    @GET
    @Operation(summary = "List jobs", description = "Filters status, type, runner_id, repository, pr_number, label (repeatable), since/until on created_at (ISO-8601). Newest first.")
    public JobView.Page list() {
        Person person = auth.person(Scopes.JOBS_READ);
        return queries.list(person.tenant(), uriInfo.getQueryParameters());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One job", description = "With runner {id, name}, the result, and for a queued job why it waits.")
    public JobView.One get(@PathParam("id") String id) {
        Person person = auth.person(Scopes.JOBS_READ);
        return new JobView.One(queries.detail(person.tenant(), Ids.parse(id, "Job")));
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a job", description = "A running job's runner learns it at its next heartbeat or job call. 409 for a final job.")
    public JobView.One cancel(@PathParam("id") String id, JobRequests.Cancel body) {
        Person person = auth.person(Scopes.JOBS_MANAGE);
        JobRequests.Cancel request = bodies.validOrNull(body);
        return new JobView.One(JobView.of(jobs.cancel(person.tenant(), Ids.parse(id, "Job"),
                request == null ? null : request.reason())));
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Retry a final job", description = "config_override is merged into a copy of the payload; 409 unless the job is final.")
    public Response retry(@PathParam("id") String id, JobRequests.Retry body) {
        Person person = auth.person(Scopes.JOBS_MANAGE);
        JobRequests.Retry request = bodies.validOrNull(body);
        UUID originalId = Ids.parse(id, "Job");
        Job copy = jobs.retry(person.tenant(), originalId, request == null ? null : request.configOverride());
        return Response.status(201).entity(new Retried(originalId, copy.id, copy.status)).build();
    }

    @GET
    @Path("{id}/logs")
    @Operation(summary = "A job's logs", description = "level (minimum), since (timestamp), after (sequence), limit (default 1000, max 10000).")
    public JobQueries.Logs logs(@PathParam("id") String id) {
        Person person = auth.person(Scopes.JOBS_READ);
        return queries.logs(person.tenant(), Ids.parse(id, "Job"), uriInfo.getQueryParameters());
    }
}
