package dev.paddock.dialect;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.agent.AgentRequests;
import dev.paddock.agent.AgentService;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.RunnerAccess;
import dev.paddock.common.Bodies;
import dev.paddock.agent.LeaseCheck;
import dev.paddock.job.JobView;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * controlinfra's agent routes (DIALECTS.md §3), in its envelope {@code {"success": true, "data": …}}:
 * a poll that claims at most one job, and one status route for progress and the end. The holder is
 * the token's runner: no lease id is needed, one that is sent is checked.
 */
@Path("/api/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dialect: controlinfra", description = "controlinfra's agent: X-Runner-Token; answers {success: true, data: …}; errors stay problem+json. Its heartbeat is the canonical POST /api/runners/heartbeat (systemInfo accepted).")
@RunnerAccess
@SecurityRequirement(name = "runnerToken")
public class ControlInfraAgentResource {

    @Inject
    Authenticator auth;

    @Inject
    AgentService agent;

    @Inject
    Bodies bodies;

    @Inject
    ObjectMapper json;

    @Schema(name = "ControlInfraEnvelope", example = """
            {"success": true, "data": {"job": {"_id": "0b8f5a52-3f5e-4a8e-b1b4-2c1f9d6e7a10",
             "id": "0b8f5a52-3f5e-4a8e-b1b4-2c1f9d6e7a10", "type": "drift-scan", "repositoryName": "acme/infra",
             "repositoryConfig": {"path": "envs/prod"}, "branch": "main", "status": "running",
             "lease_id": "9a1c…", "attempt": 1}}}""")
    public record Envelope(boolean success, Object data) {
        static Envelope of(String name, Object value) {
            Map<String, Object> data = new HashMap<>();
            data.put(name, value);
            return new Envelope(true, data);
        }
    }

    /** {@code completed} ends the job as success, {@code failed} as failure with {@code error}. */
    @Schema(name = "ControlInfraStatusReport")
    public record StatusReport(
            @NotNull @JsonProperty("jobId") @JsonAlias("job_id") UUID jobId,
            @NotNull @Pattern(regexp = "^(running|completed|failed)$", message = "must be one of running, completed, failed") String status,
            Map<String, Object> result,
            @Size(max = 65536) String error) {
    }

    @POST
    @Path("jobs")
    @Operation(summary = "Poll for a job (controlinfra)", description = "Claims at most one job: {success: true, data: {job: {_id, id, type, repositoryName, repositoryConfig, branch, …the runner's job view with lease_id}}}; {success: true, data: {job: null}} when none.")
    public Envelope poll(@RequestBody(required = false) Map<String, Object> ignored) {
        // the body is read, though nothing of it is used: one that is not a JSON object is a 400, not a claim
        List<JobView> claimed = agent.claim(auth.runner(), 1, Duration.ZERO);
        return Envelope.of("job", claimed.isEmpty() ? null : jobView(claimed.get(0)));
    }

    @POST
    @Path("jobs/status")
    @Operation(summary = "Report a job's status (controlinfra)", description = "{jobId, status: running | completed | failed, result, error} -> {success: true, data: {job}}. completed is success, failed is failure with error; result becomes the job's result. 409 lease-lost when the runner no longer holds the job.")
    public Envelope status(StatusReport body, @HeaderParam("X-Lease-Id") String leaseId) {
        StatusReport report = bodies.validAs(body, Map.of("job_id", "jobId"));
        AuthenticatedRunner self = auth.runner();
        LeaseCheck fence = LeaseCheck.holderOr(leaseId);
        JobView job;
        if ("running".equals(report.status())) {
            job = agent.reportProgress(self, report.jobId(), fence, new AgentRequests.StatusUpdate("running", null, null));
        } else {
            Map<String, Object> result = new HashMap<>();
            result.put("status", report.status());
            result.put("result", report.result());
            result.put("error", report.error());
            job = agent.report(self, report.jobId(), fence, bodies.valid(json.convertValue(result, AgentRequests.Result.class)));
        }
        return Envelope.of("job", jobView(job));
    }

    /** The runner's job view with controlinfra's own names in front. */
    private Map<String, Object> jobView(JobView job) {
        @SuppressWarnings("unchecked")
        Map<String, Object> view = json.convertValue(job, Map.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("_id", view.get("id"));
        answer.put("id", view.get("id"));
        answer.put("type", view.get("type"));
        answer.put("repositoryName", view.get("repository"));
        answer.put("repositoryConfig", job.payload() == null ? null : job.payload().get("repository_config"));
        answer.put("branch", view.get("branch"));
        view.forEach(answer::putIfAbsent);
        return answer;
    }
}
