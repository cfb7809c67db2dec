package dev.paddock.dialect;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.agent.AgentRequests;
import dev.paddock.agent.AgentService;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.RunnerAccess;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.QueryParams;
import dev.paddock.agent.LeaseCheck;
import dev.paddock.job.JobView;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ai-review's runner routes (DIALECTS.md §1): tasks are jobs, claimed as a bare array, with no
 * lease id on the calls that follow: the holder is the calling runner, a lease id that is sent is
 * still checked. Its agents call with an API key acting as the runner it registered (named by
 * {@code runnerId}; on a task's calls, which name none, the task's holder when the key registered
 * it), or with the runner's token. Registration, heartbeats and deregistration are
 * the canonical routes, which take such a key too.
 */
@Path("/api/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dialect: ai-review", description = "ai-review's runner: an API key (Bearer pk_… or x-api-key) acting as the runner it registered, named by runnerId (query or body) or X-Runner-Id; on a task's status, logs and result calls that name no runner, as the task's holder when the key registered it (409 lease-lost when a runner of the key held an earlier attempt, 404 when none ever did); or the runner's token. Also POST /api/runners/register (X-Runner-Tags), POST /api/runners/{id}/heartbeat ({status, activeJobs}) and DELETE /api/runners/{id}, which take the key.")
@RunnerAccess
@SecurityRequirement(name = "runnerToken")
@SecurityRequirement(name = "apiKey")
public class AiReviewAgentResource {

    @Inject
    Authenticator auth;

    @Inject
    AgentService agent;

    @Inject
    Bodies bodies;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uriInfo;

    /** {@code status} here is the task's phase (preparing, cloning, reviewing…); the job stays running. */
    public record TaskStatus(@NotBlank @Size(max = 32) String status) {
    }

    public record TaskLogs(@Size(min = 1, max = 200) List<JsonNode> logs, @Size(min = 1, max = 200) List<JsonNode> lines) {
    }

    /**
     * {@code failed} is failure; {@code files} become the result's {@code files}, {@code rating} the quality
     * rating. The constraints are the canonical result's ({@code AgentRequests.Result}), named here too so
     * that the document states them.
     */
    public record TaskResult(@NotNull @Pattern(regexp = AgentRequests.RESULT_STATUS,
                                     message = AgentRequests.RESULT_STATUS_MESSAGE) String status,
                             List<Object> files,
                             @JsonProperty("totalComments") @JsonAlias("total_comments") @Min(0) Integer totalComments,
                             @Pattern(regexp = AgentRequests.QUALITY_RATING, message = AgentRequests.QUALITY_RATING_MESSAGE) String rating,
                             Map<String, Object> metrics, @Size(max = 65536) String error, @Size(max = 200) List<JsonNode> logs,
                             @JsonProperty("runnerId") @JsonAlias("runner_id") String runnerId) {
    }

    @GET
    @Path("tasks/pending")
    @Parameter(name = "runnerId", in = ParameterIn.QUERY, description = "With an API key: the runner the key registered to claim for (also runner_id, or the X-Runner-Id header)", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "runner_id", in = ParameterIn.QUERY, description = "The same as runnerId", schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Tasks at most (default 1)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "50"))
    @Operation(summary = "Claim pending tasks (ai-review)", description = "runnerId, limit (1-50, default 1) -> 200 with a JSON array of the runner's job views (lease_id, lease_expires_at, attempt), empty when none.")
    public List<JobView> pending() {
        AuthenticatedRunner self = self();
        List<FieldError> errors = new ArrayList<>();
        Integer limit = QueryParams.integer(uriInfo.getQueryParameters(), "limit", 1, 50, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return agent.claim(self, limit == null ? 1 : limit, Duration.ZERO);
    }

    @POST
    @Path("tasks/{id}/status")
    @RunnerAccess(jobInPath = "id")
    @Operation(summary = "Report a task's phase (ai-review)", description = "{status: preparing | cloning | reviewing | submitting | …} is the phase; the job stays running -> {job}. Renews the lease.")
    public JobView.One status(@PathParam("id") String id, @HeaderParam("X-Lease-Id") String leaseId, TaskStatus body) {
        TaskStatus update = bodies.valid(body);
        return new JobView.One(agent.reportProgress(self(), Ids.parse(id, "Task"),
                LeaseCheck.holderOr(leaseId), new AgentRequests.StatusUpdate(null, update.status().trim(), null)));
    }

    @POST
    @Path("tasks/{id}/logs")
    @RunnerAccess(jobInPath = "id")
    @Operation(summary = "Append a task's log lines (ai-review)", description = "{logs: [1-200 strings or line objects]} (also lines) -> {accepted, next_offset}.")
    public AgentService.LogsAccepted logs(@PathParam("id") String id, @HeaderParam("X-Lease-Id") String leaseId,
                                          TaskLogs body) {
        TaskLogs batch = bodies.valid(body);
        AgentRequests.LogBatch lines = bodies.validAs(new AgentRequests.LogBatch(
                batch.logs() != null ? batch.logs() : batch.lines(), null),
                Map.of("lines", batch.logs() != null || batch.lines() == null ? "logs" : "lines"));
        return agent.appendLogs(self(), Ids.parse(id, "Task"), LeaseCheck.holderOr(leaseId), lines);
    }

    @POST
    @Path("tasks/{id}/result")
    @RunnerAccess(jobInPath = "id")
    @Operation(summary = "Report a task's result (ai-review)", description = "{runnerId, status: success | failed, files, totalComments, rating (A-F), metrics, error, logs} -> {job}. The same result again answers the same.")
    public JobView.One result(@PathParam("id") String id, @HeaderParam("X-Lease-Id") String leaseId, TaskResult body) {
        TaskResult task = bodies.valid(body);
        AuthenticatedRunner self = self();
        if (task.runnerId() != null) {
            Authenticator.requireOwn(self, Ids.parse(task.runnerId(), "Runner"));
        }
        AgentRequests.Result result = bodies.validAs(new AgentRequests.Result(task.status(), null,
                task.files() == null ? null : Map.of("files", task.files()), null, null, null, task.totalComments(),
                task.rating(), task.metrics(), null, null, task.error(), task.logs()),
                Map.of("quality_rating", "rating", "total_comments", "totalComments", "result", "files"));
        return new JobView.One(agent.report(self, Ids.parse(id, "Task"), LeaseCheck.holderOr(leaseId), result));
    }

    /**
     * The calling runner; a runner token naming another runner (runnerId or runner_id in the query,
     * X-Runner-Id) finds nothing, as an API key naming a runner it did not register.
     */
    private AuthenticatedRunner self() {
        AuthenticatedRunner self = auth.runner();
        MultivaluedMap<String, String> query = uriInfo.getQueryParameters();
        for (String named : java.util.Arrays.asList(query.getFirst("runnerId"), query.getFirst("runner_id"),
                headers.getHeaderString("X-Runner-Id"))) {
            if (named != null) {
                Authenticator.requireOwn(self, Ids.parse(named, "Runner"));
            }
        }
        return self;
    }
}
