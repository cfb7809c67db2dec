package dev.paddock.fleet;

import dev.paddock.common.OpenApiSchemas;
import dev.paddock.common.ParameterPatterns;
import dev.paddock.agent.AgentService;
import dev.paddock.agent.SetupInstructions;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.PersonOrRunnerAccess;
import dev.paddock.auth.RateLimiter;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.PageRequest;
import dev.paddock.job.JobQueries;
import dev.paddock.job.JobView;
import dev.paddock.job.PodView;
import dev.paddock.runner.RunnerStatus;
import dev.paddock.runner.RunnerView;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.Explode;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.UUID;

/**
 * People's routes for the fleet, and the two a runner shares on its own record (PATCH and DELETE
 * of {@code /api/runners/{id}}), which hand a runner's call to the agent protocol.
 */
@Path("/api/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runners", description = "The fleet, for people")
@SecurityRequirement(name = "jwt")
public class RunnerResource {

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runners;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    SetupInstructions setup;

    @Inject
    AgentService agent;

    @Inject
    JobQueries jobQueries;

    @Inject
    Bodies bodies;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "List runners", description = "Filters: status, label (repeatable, all must match), q (name contains). Newest heartbeat first, never-seen last.")
    @PersonAccess(Scopes.RUNNERS_READ)
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The runner's status", schema = @Schema(enumeration = {RunnerStatus.ONLINE, RunnerStatus.BUSY, RunnerStatus.DRAINING, RunnerStatus.OFFLINE}))
    @Parameter(name = "label", in = ParameterIn.QUERY, description = "Repeatable, or comma-separated: every one must be among the runner's labels", explode = Explode.TRUE, schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, extensions = @Extension(name = OpenApiSchemas.ITEMS_PATTERN, value = ParameterPatterns.LABELS)))
    @Parameter(name = "q", in = ParameterIn.QUERY, description = "The runner's name contains it (case-insensitive)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    public RunnerView.Page list() {
        Person person = auth.person();
        return runners.list(person.tenant(), filters(), PageRequest.from(uriInfo.getQueryParameters()), false);
    }

    @GET
    @Path("available")
    @Operation(summary = "Runners that can take a job now", description = "Online or busy, not draining, active_jobs < max_concurrency.")
    @PersonAccess(Scopes.RUNNERS_READ)
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The runner's status (online or busy: the others are never available)", schema = @Schema(enumeration = {RunnerStatus.ONLINE, RunnerStatus.BUSY}))
    @Parameter(name = "label", in = ParameterIn.QUERY, description = "Repeatable, or comma-separated: every one must be among the runner's labels", explode = Explode.TRUE, schema = @Schema(type = SchemaType.ARRAY, implementation = String.class, extensions = @Extension(name = OpenApiSchemas.ITEMS_PATTERN, value = ParameterPatterns.LABELS)))
    @Parameter(name = "q", in = ParameterIn.QUERY, description = "The runner's name contains it (case-insensitive)", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.TEXT))
    public RunnerView.Page available() {
        Person person = auth.person();
        return runners.list(person.tenant(), filters(), PageRequest.from(uriInfo.getQueryParameters()), true);
    }

    @POST
    @Operation(summary = "Create a runner", description = "The token is shown in this answer only. Status is offline until the first heartbeat.")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    @APIResponseSchema(value = RunnerView.One.class, responseCode = "201", responseDescription = "Created, with its token (shown only here)")
    public RestResponse<RunnerView.One> create(RunnerRequests.Create request) {
        Person person = auth.person();
        RunnerService.Created created = runners.create(person, bodies.valid(request));
        return RestResponse.status(RestResponse.Status.CREATED, new RunnerView.One(RunnerView.of(created.runner(), created.token())));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One runner")
    @PersonAccess(Scopes.RUNNERS_READ)
    public RunnerView.One get(@PathParam("id") String id) {
        Person person = auth.person();
        return new RunnerView.One(RunnerView.of(runners.get(person.tenant(), Ids.parse(id, "Runner"))));
    }

    @PUT
    @Path("{id}")
    @Operation(summary = "Change a runner", description = "name, labels, max_concurrency, capabilities; fields left out keep their value.")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    public RunnerView.One replace(@PathParam("id") String id, RunnerRequests.Update request) {
        return update(auth.person(), id, request);
    }

    @PATCH
    @Path("{id}")
    @Operation(summary = "Change a runner (people) or a runner's own descriptive fields (runner token)",
            description = "With a JWT or an API key (runners:manage): name, labels, max_concurrency, capabilities. With the runner's own token, or the API key that registered it: name, version, os, arch, capabilities; labels and max_concurrency sent by the runner are ignored.")
    @SecurityRequirement(name = "jwt")
    @SecurityRequirement(name = "runnerToken")
    @PersonOrRunnerAccess(value = Scopes.RUNNERS_MANAGE, runnerInPath = "id")
    public RunnerView.One patch(@PathParam("id") String id, RunnerRequests.Update request) {
        return switch (auth.caller()) {
            case Authenticator.RunnerCaller(AuthenticatedRunner self) -> {
                Authenticator.requireOwn(self, Ids.parse(id, "Runner"));
                // labels and max_concurrency are people's to set: from the runner they are ignored,
                // like any field it may not change
                RunnerRequests.Update valid = bodies.valid(request);
                yield new RunnerView.One(RunnerView.of(agent.updateSelf(self, new AgentService.SelfUpdate(valid.name(),
                        valid.capabilities(), valid.version(), valid.os(), valid.arch()))));
            }
            case Authenticator.PersonCaller(Person person) -> update(person, id, request);
        };
    }

    private RunnerView.One update(Person person, String id, RunnerRequests.Update request) {
        UUID runnerId = Ids.parse(id, "Runner");
        return new RunnerView.One(RunnerView.of(runners.update(person.tenant(), runnerId, bodies.valid(request))));
    }

    @DELETE
    @Path("{id}")
    @Tag(name = "Runners")
    @Tag(name = "Dialect: ai-review") // an ai-review agent deregisters here with the key that registered it
    @Operation(summary = "Delete a runner (people) or deregister (the runner itself)",
            description = "People: the record and its token are gone at once. The runner (its token, or the API key that registered it): status offline, record kept. Either way its running jobs are requeued, or failed when out of attempts.")
    @SecurityRequirement(name = "jwt")
    @SecurityRequirement(name = "runnerToken")
    @SecurityRequirement(name = "apiKey")
    @PersonOrRunnerAccess(value = Scopes.RUNNERS_MANAGE, runnerInPath = "id")
    @APIResponse(responseCode = "204", description = "Deleted (a person) or deregistered (the runner itself)")
    public Response delete(@PathParam("id") String id) {
        Authenticator.Caller caller = auth.caller();
        UUID runnerId = Ids.parse(id, "Runner");
        switch (caller) {
            case Authenticator.RunnerCaller(AuthenticatedRunner self) -> {
                Authenticator.requireOwn(self, runnerId);
                agent.deregister(self);
            }
            case Authenticator.PersonCaller(Person person) -> runners.delete(person.tenant(), runnerId);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/regenerate-token")
    @Operation(summary = "Issue a new token", description = "The old token stops working at once. At most 5 an hour per person, across replicas (429 with Retry-After beyond).")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    @APIResponseSchema(value = TokenAnswer.class, responseCode = "200", responseDescription = "The new token, shown only here")
    @APIResponse(responseCode = "429", description = "More than 5 regenerations an hour by this person",
            headers = @Header(name = "Retry-After", description = "Seconds until a regeneration is admitted again",
                    schema = @Schema(type = SchemaType.STRING)))
    public TokenAnswer regenerateToken(@PathParam("id") String id) {
        Person person = auth.person();
        UUID runnerId = Ids.parse(id, "Runner");
        runners.get(person.tenant(), runnerId);
        rateLimiter.checkRegenerate(person);
        RunnerService.Created created = runners.regenerateToken(person.tenant(), runnerId);
        return new TokenAnswer(created.token(), created.runner().tokenPrefix);
    }

    public record TokenAnswer(String token, String tokenPrefix) {
    }

    @POST
    @Path("{id}/mark-offline")
    @Operation(summary = "Mark a runner offline")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    public RunnerView.One markOffline(@PathParam("id") String id) {
        Person person = auth.person();
        return new RunnerView.One(RunnerView.of(runners.markOffline(person.tenant(), Ids.parse(id, "Runner"))));
    }

    @POST
    @Path("{id}/drain")
    @Operation(summary = "Start a drain", description = "The runner finishes its jobs and claims no new ones; heartbeats do not end it.")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    public RunnerView.One drain(@PathParam("id") String id) {
        Person person = auth.person();
        return new RunnerView.One(RunnerView.of(runners.setDrain(person.tenant(), Ids.parse(id, "Runner"), true)));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "End a drain")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    public RunnerView.One resume(@PathParam("id") String id) {
        Person person = auth.person();
        return new RunnerView.One(RunnerView.of(runners.setDrain(person.tenant(), Ids.parse(id, "Runner"), false)));
    }

    @GET
    @Path("{id}/setup-info")
    @Operation(summary = "How to install the runner", description = "Everything except the token, which is never shown again.")
    @PersonAccess(Scopes.RUNNERS_MANAGE)
    public SetupInstructions.Info setupInfo(@PathParam("id") String id) {
        Person person = auth.person();
        return setup.info(runners.get(person.tenant(), Ids.parse(id, "Runner")), uriInfo);
    }

    @GET
    @Path("{id}/jobs")
    @Operation(summary = "The jobs this runner has run or runs", description = "Also the jobs it held before they were requeued or claimed by another runner, each once as it is now. Filter status; newest first.")
    @PersonAccess(Scopes.RUNNERS_READ)
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The job's status", schema = @Schema(enumeration = {"queued", "running", "success", "failure", "cancelled", "timeout"}))
    public JobView.Page jobs(@PathParam("id") String id) {
        Person person = auth.person();
        UUID runnerId = Ids.parse(id, "Runner");
        runners.get(person.tenant(), runnerId);
        return jobQueries.forRunner(person.tenant(), runnerId, uriInfo.getQueryParameters());
    }

    @GET
    @Path("{id}/pods")
    @Operation(summary = "The runner's jobs as pods (AgentsMesh)", description = "{pods: [{key (job id), status: pending | running | terminated, agent_type_id (job type), initial_prompt (payload.initial_prompt, else the job name), created_at}], total, limit, offset}. Filter status takes the pod statuses; newest first.")
    @PersonAccess(Scopes.RUNNERS_READ)
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The pod's status", schema = @Schema(enumeration = {PodView.PENDING, PodView.RUNNING, PodView.TERMINATED}))
    public PodView.Page pods(@PathParam("id") String id) {
        Person person = auth.person();
        UUID runnerId = Ids.parse(id, "Runner");
        runners.get(person.tenant(), runnerId);
        return jobQueries.pods(person.tenant(), runnerId, uriInfo.getQueryParameters());
    }

    private RunnerService.Filters filters() {
        return RunnerService.Filters.from(uriInfo.getQueryParameters());
    }
}
