package dev.paddock.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.common.OpenApiSchemas;
import dev.paddock.agent.AgentRequests;
import dev.paddock.agent.AgentService;
import dev.paddock.agent.LeaseCheck;
import dev.paddock.job.JobView;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.RunnerAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.PageRequest;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.Runner;
import dev.paddock.fleet.RunnerService;
import dev.paddock.runner.RunnerView;
import dev.paddock.joblog.JobLogWriter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Oore CI's runner protocol (DIALECTS.md §2): timestamps in Unix seconds, a build per job, the
 * lease id handed out as the build's {@code signing_token}, and the signing material of iOS and
 * Android builds served from the job's secrets to its holder only.
 */
@Path("/v1/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dialect: Oore", description = "Oore CI's runner: register and list with a person's JWT or an API key; every other call with the runner token (Authorization: Bearer rn_…), and {runner_id} must be the token's runner (else 404). Timestamps are Unix seconds.")
public class OoreRunnerResource {

    private static final String SIGNING_HEADER = "x-oore-signing-token";
    private static final Map<String, String> OORE_STATUS = Map.of(
            "queued", "queued", "running", "running", "success", "succeeded", "failure", "failed",
            "cancelled", "canceled", "timeout", "timed_out");

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runners;

    @Inject
    AgentService agent;

    @Inject
    Bodies bodies;

    @Inject
    ObjectMapper json;

    @Schema(name = "OoreRegister")

    public record Register(@NotBlank @Size(max = 100) String name, Map<String, Object> capabilities) {
    }

    @Schema(name = "OoreUpdate")

    public record Update(@Size(min = 1, max = 100) @jakarta.validation.constraints.Pattern(regexp = AgentRequests.NOT_BLANK,
            message = "must not be blank") String name, Map<String, Object> capabilities) {
    }

    @Schema(name = "OoreHeartbeat")

    public record Heartbeat(
            @Pattern(regexp = "^(online|busy|draining)$", message = "must be one of online, busy, draining") String status,
            Map<String, Object> capabilities) {
    }

    @Schema(name = "OoreStatusReport")

    public record StatusReport(
            @NotNull @Pattern(regexp = "^(running|succeeded|failed)$", message = "must be one of running, succeeded, failed") String status,
            Integer exitCode, @Size(max = 65536) String errorMessage, List<Object> steps) {
    }

    /** {@code content} is a log line: a NUL in it is stored as U+FFFD, not refused (JobLogWriter). */
    public record Chunk(@NotNull @Min(0) Long sequence,
                        @NotNull @Size(max = JobLogWriter.MAX_MESSAGE) @JsonDeserialize(using = StringDeserializer.class)
                        @Schema(extensions = @Extension(name = OpenApiSchemas.ANY_TEXT, value = "true")) String content,
                        @Pattern(regexp = "^(stdout|stderr)$", message = "must be stdout or stderr") String stream) {
    }

    @Schema(name = "OoreLogs")

    public record Logs(@NotNull @Size(min = 1, max = 200) List<@NotNull @Valid Chunk> chunks) {
    }

    public record OoreRunner(UUID id, String name, String status, Map<String, Object> capabilities,
                             Long lastHeartbeatAt, String registeredBy, Long createdAt, Long updatedAt) {
        static OoreRunner of(RunnerView runner) {
            return new OoreRunner(runner.id(), runner.name(), runner.status(), runner.capabilities(),
                    seconds(runner.lastHeartbeatAt()), runner.registeredBy(), seconds(runner.createdAt()),
                    seconds(runner.updatedAt()));
        }
    }

    @Schema(name = "OoreRegistered", example = """
            {"id": "7d1f0c0e-2d5a-4a57-9a8e-3f0c7b2d9e11", "name": "mac-mini-1", "token": "rn_…", "status": "online",
             "created_at": 1736935800,
             "runner": {"id": "7d1f0c0e-2d5a-4a57-9a8e-3f0c7b2d9e11", "name": "mac-mini-1", "status": "online",
                        "capabilities": {"platforms": ["ios", "android"]}, "last_heartbeat_at": 1736935800,
                        "registered_by": "user-123", "created_at": 1736935800, "updated_at": 1736935800}}""")
    public record Registered(UUID id, String name, String token, String status, Long createdAt, OoreRunner runner) {
    }

    @Schema(name = "OoreOne")

    public record One(OoreRunner runner) {
    }

    public record BuildStatus(UUID buildId, String status) {
    }

    public record Accepted(int accepted) {
    }

    @POST
    @Path("register")
    @PersonAccess({Scopes.RUNNERS_REGISTER, Scopes.RUNNERS_MANAGE})
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Register a runner (Oore)", description = "{name, capabilities} -> 200 {id, name, token, status, created_at, runner}. The token is shown only here.")
    public Registered register(Register body) {
        Register request = bodies.valid(body);
        AgentService.Registered created = agent.register(auth.person(), new AgentRequests.Register(null,
                request.name().trim(), null, null, null, null, null, request.capabilities(), null));
        OoreRunner runner = OoreRunner.of(RunnerView.of(created.runner()));
        return new Registered(runner.id(), runner.name(), created.token(), runner.status(), runner.createdAt(), runner);
    }

    @GET
    @PersonAccess(Scopes.RUNNERS_READ)
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "The runners (Oore)", description = "A bare JSON array, newest heartbeat first.")
    public List<OoreRunner> list() {
        Person person = auth.person();
        return runners.list(person.tenant(), new RunnerService.Filters(null, List.of(), null),
                new PageRequest(1000, 0, null, null), false).runners().stream().map(OoreRunner::of).toList();
    }

    @PATCH
    @Path("{runner_id}")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Change the runner's name or capabilities (Oore)", description = "{name, capabilities} -> {runner}.")
    public One update(@PathParam("runner_id") String runnerId, Update body) {
        AuthenticatedRunner self = own(runnerId);
        Update request = bodies.valid(body);
        Runner runner = agent.updateSelf(self, new AgentService.SelfUpdate(request.name(), request.capabilities(),
                null, null, null));
        return new One(OoreRunner.of(RunnerView.of(runner)));
    }

    @POST
    @Path("{runner_id}/heartbeat")
    @RunnerAccess(recordsSignOfLife = true, runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Heartbeat (Oore)", description = "{status: online | busy | draining, capabilities} -> 204.")
    @APIResponse(responseCode = "204", description = "Recorded")
    public RestResponse<Void> heartbeat(@PathParam("runner_id") String runnerId, @RequestBody(required = false) Heartbeat body) {
        AuthenticatedRunner self = own(runnerId);
        Heartbeat beat = bodies.validOr(body, () -> new Heartbeat(null, null));
        agent.heartbeat(self, new AgentRequests.Heartbeat(beat.status(), null, null, null, null));
        if (beat.capabilities() != null) {
            agent.updateSelf(self, new AgentService.SelfUpdate(null, beat.capabilities(), null, null, null));
        }
        return RestResponse.noContent();
    }

    @POST
    @Path("{runner_id}/claim")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Claim a build (Oore)", description = "{protocol_version} (ignored) -> 200 {build_id, project_id, pipeline_id, build_number, config_snapshot, commit_sha, branch, lease_expires_at, signing_token, job} or 204. project_id, pipeline_id, build_number and config_snapshot are the payload's keys of those names, else repository, type, 0 and the whole payload; signing_token is the lease id.")
    @APIResponse(responseCode = "200", description = "The build claimed")
    @APIResponse(responseCode = "204", description = "No build to run")
    public RestResponse<Map<String, Object>> claim(@PathParam("runner_id") String runnerId,
                                                   @RequestBody(required = false) Map<String, Object> ignored) {
        // the body is read, though nothing of it is used: one that is not a JSON object is a 400, not a claim
        List<JobView> claimed = agent.claim(own(runnerId), 1, Duration.ZERO);
        if (claimed.isEmpty()) {
            return RestResponse.noContent();
        }
        JobView job = claimed.get(0);
        Map<String, Object> payload = job.payload() == null ? Map.of() : job.payload();
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("build_id", job.id());
        build.put("project_id", valueOr(payload, "project_id", job.repository()));
        build.put("pipeline_id", valueOr(payload, "pipeline_id", job.type()));
        build.put("build_number", valueOr(payload, "build_number", 0));
        build.put("config_snapshot", valueOr(payload, "config_snapshot", payload));
        build.put("commit_sha", job.commitSha());
        build.put("branch", job.branch());
        build.put("lease_expires_at", seconds(job.leaseExpiresAt()));
        build.put("signing_token", job.leaseId());
        Map<String, Object> answer = new LinkedHashMap<>(build);
        answer.put("job", build);
        return RestResponse.ok(answer);
    }

    /** The payload's value of {@code key}, or {@code otherwise} when it has none (a null is none). */
    private static Object valueOr(Map<String, Object> payload, String key, Object otherwise) {
        Object value = payload.get(key);
        return value == null ? otherwise : value;
    }

    @GET
    @Path("{runner_id}/jobs/{job_id}")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "A build's status (Oore)", description = "{build_id, status: queued | running | succeeded | failed | canceled | timed_out}. Fenced as every job call: the job's current holder, with x-oore-signing-token (or X-Lease-Id), when sent, its current lease; 409 lease-lost otherwise.")
    public BuildStatus job(@PathParam("runner_id") String runnerId, @PathParam("job_id") String jobId,
                           @HeaderParam(SIGNING_HEADER) String signingToken, @HeaderParam("X-Lease-Id") String leaseId) {
        AuthenticatedRunner self = own(runnerId);
        return status(agent.view(self, Ids.parse(jobId, "Job"), LeaseCheck.holderOr(lease(signingToken, leaseId))));
    }

    @POST
    @Path("{runner_id}/jobs/{job_id}/status")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Report a build's status (Oore)", description = "{status: running | succeeded | failed, exit_code, error_message, steps} -> {build_id, status}. exit_code and steps are kept in the job's result; failed carries error_message as the error.")
    public BuildStatus report(@PathParam("runner_id") String runnerId, @PathParam("job_id") String jobId,
                              @HeaderParam(SIGNING_HEADER) String signingToken, @HeaderParam("X-Lease-Id") String leaseId,
                              StatusReport body) {
        AuthenticatedRunner self = own(runnerId);
        StatusReport report = bodies.valid(body);
        UUID id = Ids.parse(jobId, "Job");
        LeaseCheck fence = LeaseCheck.holderOr(lease(signingToken, leaseId));
        if ("running".equals(report.status())) {
            return status(agent.reportProgress(self, id, fence, new AgentRequests.StatusUpdate("running", null, null)));
        }
        Map<String, Object> result = new HashMap<>();
        result.put("exit_code", report.exitCode());
        result.put("steps", report.steps());
        Map<String, Object> outcome = new HashMap<>();
        outcome.put("status", "succeeded".equals(report.status()) ? "success" : "failure");
        outcome.put("result", result);
        outcome.put("error", "failed".equals(report.status()) ? report.errorMessage() : null);
        return status(agent.report(self, id, fence, bodies.valid(json.convertValue(outcome, AgentRequests.Result.class))));
    }

    @POST
    @Path("{runner_id}/jobs/{job_id}/logs")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Append a build's log chunks (Oore)", description = "{chunks: [{sequence, content, stream: stdout | stderr}]} -> {accepted}. sequence is the line's offset: a chunk sent again is stored once. stderr lines have level warn.")
    public Accepted logs(@PathParam("runner_id") String runnerId, @PathParam("job_id") String jobId,
                         @HeaderParam(SIGNING_HEADER) String signingToken, @HeaderParam("X-Lease-Id") String leaseId,
                         Logs body) {
        AuthenticatedRunner self = own(runnerId);
        Logs logs = bodies.valid(body);
        UUID id = Ids.parse(jobId, "Job");
        LeaseCheck fence = LeaseCheck.holderOr(lease(signingToken, leaseId));
        // consecutive sequences go as one batch numbered from the first
        List<Chunk> chunks = logs.chunks().stream().sorted(Comparator.comparing(Chunk::sequence)).toList();
        int start = 0;
        for (int i = 1; i <= chunks.size(); i++) {
            if (i == chunks.size() || chunks.get(i).sequence() != chunks.get(i - 1).sequence() + 1) {
                List<JsonNode> lines = new ArrayList<>();
                for (Chunk chunk : chunks.subList(start, i)) {
                    ObjectNode line = JsonNodeFactory.instance.objectNode().put("message", chunk.content());
                    line.put("level", "stderr".equals(chunk.stream()) ? "warn" : "info");
                    lines.add(line);
                }
                agent.appendLogs(self, id, fence, new AgentRequests.LogBatch(lines, chunks.get(start).sequence()));
                start = i;
            }
        }
        return new Accepted(chunks.size());
    }

    @GET
    @Path("{runner_id}/jobs/{job_id}/android-signing")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Android signing material (Oore)", description = "The job's secret ANDROID_SIGNING, parsed. Only the holder while the job runs, with x-oore-signing-token (or X-Lease-Id) = the claim's signing_token; 404 when the job has none.")
    @APIResponse(responseCode = "200", description = "The secret's JSON document", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonNode androidSigning(@PathParam("runner_id") String runnerId, @PathParam("job_id") String jobId,
                                   @HeaderParam(SIGNING_HEADER) String signingToken, @HeaderParam("X-Lease-Id") String leaseId) {
        return signing(runnerId, jobId, lease(signingToken, leaseId), "ANDROID_SIGNING");
    }

    @GET
    @Path("{runner_id}/jobs/{job_id}/ios-signing")
    @RunnerAccess(runnerInPath = "runner_id")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "iOS signing material (Oore)", description = "The job's secret IOS_SIGNING, parsed; as android-signing.")
    @APIResponse(responseCode = "200", description = "The secret's JSON document", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonNode iosSigning(@PathParam("runner_id") String runnerId, @PathParam("job_id") String jobId,
                               @HeaderParam(SIGNING_HEADER) String signingToken, @HeaderParam("X-Lease-Id") String leaseId) {
        return signing(runnerId, jobId, lease(signingToken, leaseId), "IOS_SIGNING");
    }

    private JsonNode signing(String runnerId, String jobId, String signingToken, String secret) {
        Map<String, String> secrets = agent.secrets(own(runnerId), Ids.parse(jobId, "Job"),
                LeaseCheck.lease(signingToken));
        String material = secrets.get(secret);
        if (material == null) {
            throw ProblemException.notFound("Signing material");
        }
        try {
            return json.readTree(material);
        } catch (JsonProcessingException e) {
            // stored as plain text rather than a JSON document: served as the string it is
            return JsonNodeFactory.instance.textNode(material);
        }
    }

    /**
     * The lease as Oore's runner sends it: its signing token, or X-Lease-Id. When it sends both,
     * both are checked: two that differ cannot both be the job's lease (409 lease-lost).
     */
    private static String lease(String signingToken, String leaseId) {
        String signing = LeaseCheck.parsed(signingToken, SIGNING_HEADER);
        String lease = LeaseCheck.parsed(leaseId, LeaseCheck.HEADER);
        if (signing != null && lease != null && !signing.equalsIgnoreCase(lease)) {
            throw ProblemException.leaseLost("x-oore-signing-token and X-Lease-Id name different leases; nothing was changed.");
        }
        return signing != null ? signing : lease;
    }

    private AuthenticatedRunner own(String runnerId) {
        AuthenticatedRunner self = auth.runner();
        Authenticator.requireOwn(self, Ids.parse(runnerId, "Runner"));
        return self;
    }

    private static BuildStatus status(JobView job) {
        return new BuildStatus(job.id(), OORE_STATUS.get(job.status()));
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
