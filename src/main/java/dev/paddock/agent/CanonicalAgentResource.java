package dev.paddock.agent;

import dev.paddock.common.ParameterPatterns;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.RunnerAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.QueryParams;
import dev.paddock.job.JobView;
import dev.paddock.problem.EveryInvalidField;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.problem.ProblemMappers;
import dev.paddock.runner.Runner;
import dev.paddock.runner.RunnerStore;
import dev.paddock.runner.RunnerView;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Paddock's own agent protocol over HTTP (API.md, "Runner agent's routes"): an adapter over {@link AgentService}. */
@Path("/api/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runner agent", description = "Routes runner agents call")
@RunnerAccess
@SecurityRequirement(name = "runnerToken")
public class CanonicalAgentResource {

    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile(ParameterPatterns.UUID);

    static final String LEASE_HEADER = "X-Lease-Id";

    @Inject
    EveryInvalidField everyInvalidField;

    @Inject
    Authenticator auth;

    @Inject
    AgentService agent;

    @Inject
    Bodies bodies;

    @Inject
    SetupInstructions setup;

    @Inject
    RunnerStore runners;

    @Context
    UriInfo uriInfo;

    @Inject
    ObjectMapper json;

    public record Registered(RunnerView runner, String token) {
    }

    public record HeartbeatAnswer(UUID runnerId, String status, List<UUID> cancelJobIds, Instant serverTime) {
    }

    public record Secrets(Map<String, String> secrets) {
    }

    @POST
    @Path("register")
    @Tag(name = "Runner agent")
    @Tag(name = "Dialect: ai-review") // the route ai-review's agents register through (DIALECTS.md)
    @PersonAccess({Scopes.RUNNERS_REGISTER, Scopes.RUNNERS_MANAGE})
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Self-registration (upsert by id)",
            description = "JWT or API key with runners:register or runners:manage (a key may then act as the runner it registered). Body, or the X-Runner-* headers (X-Runner-Tags as X-Runner-Labels) for what the body leaves out. 201 when created, 200 when an existing runner of the tenant was updated; a new token either way. An id owned by another tenant is 409.")
    @APIResponse(responseCode = "200", description = "An existing runner updated, with a new token")
    @APIResponse(responseCode = "201", description = "Created, with its token", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Registered.class)))
    public RestResponse<Registered> register(
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AgentRequests.Register.class))) String rawBody,
                                             @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @HeaderParam("X-Runner-Id") String headerId,
                                             @HeaderParam("X-Runner-Name") String headerName,
                                             @HeaderParam("X-Runner-Version") String headerVersion,
                                             @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "1000")) @HeaderParam("X-Runner-Max-Concurrency") String headerMaxConcurrency,
                                             @Parameter(description = "Comma-separated labels", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.LABELS)) @HeaderParam("X-Runner-Labels") String headerLabels,
                                             @Parameter(description = "Comma-separated labels", schema = @Schema(type = SchemaType.STRING, pattern = ParameterPatterns.LABELS)) @HeaderParam("X-Runner-Tags") String headerTags) {
        List<FieldError> unparsable = new ArrayList<>();
        AgentRequests.Register headers = fromHeaders(headerId, utf8(headerName), utf8(headerVersion), headerMaxConcurrency,
                headerLabels, headerTags, unparsable);
        AgentRequests.Register body = rawBody != null && !rawBody.isBlank() ? parse(rawBody) : null;
        AgentRequests.Register request = rawBody != null && !rawBody.isBlank() ? withDefaults(body, headers) : headers;
        AgentService.Registered created = agent.register(auth.person(), bodies.validAs(request,
                headerNames(body, headers, headerLabels != null ? "X-Runner-Labels" : "X-Runner-Tags"), unparsable));
        return RestResponse.status(created.isNew() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                new Registered(RunnerView.of(created.runner()), created.token()));
    }

    @POST
    @Path("heartbeat")
    @Tag(name = "Runner agent")
    @Tag(name = "Dialect: controlinfra") // controlinfra's agents beat here (systemInfo read as system_info)
    @RunnerAccess(recordsSignOfLife = true)
    @Operation(summary = "Heartbeat", description = "Renews the leases of the runner's running jobs and tells it which of its jobs were cancelled or timed out. active_jobs is informational: the service counts the jobs a runner holds itself.")
    @NonBlocking
    public CompletionStage<HeartbeatAnswer> heartbeat(@RequestBody(required = false) AgentRequests.Heartbeat body) {
        return beat(auth.runner(), body);
    }

    @POST
    @Path("{id}/heartbeat")
    @Tag(name = "Runner agent")
    @Tag(name = "Dialect: ai-review")
    @SecurityRequirement(name = "runnerToken")
    @SecurityRequirement(name = "apiKey")
    @RunnerAccess(recordsSignOfLife = true, runnerInPath = "id")
    @Operation(summary = "Heartbeat (runner id in the path)", description = "The id must be the token's runner, or a runner the API key sent registered; another runner's id is 404.")
    @NonBlocking
    public CompletionStage<HeartbeatAnswer> heartbeatById(@PathParam("id") String id, @RequestBody(required = false) AgentRequests.Heartbeat body) {
        AuthenticatedRunner self = auth.runner();
        Authenticator.requireOwn(self, Ids.parse(id, "Runner"));
        return beat(self, body);
    }

    /**
     * Answered on the event loop once the heartbeat's batch commits: a heartbeat holds no worker
     * thread while it waits (the access filter admits a runner it knows without one, see
     * {@code AccessFilter}).
     */
    private CompletionStage<HeartbeatAnswer> beat(AuthenticatedRunner self, AgentRequests.Heartbeat body) {
        AgentRequests.Heartbeat request = bodies.validOr(body,
                () -> new AgentRequests.Heartbeat(null, null, null, null, null));
        CompletableFuture<HeartbeatAnswer> answer = new CompletableFuture<>();
        agent.heartbeatLater(self, request).whenComplete((beat, failure) -> {
            if (failure != null) {
                // the refusal itself (a ProblemException, the batch's writer completes the future with it)
                answer.completeExceptionally(failure);
            } else {
                answer.complete(new HeartbeatAnswer(beat.runnerId(), beat.status(), beat.stopJobIds(), beat.serverTime()));
            }
        });
        return answer;
    }

    /** On a virtual thread: while it waits it holds no platform thread and no database connection. */
    @GET
    @Path("{id}/setup")
    @Produces({"text/x-shellscript", MediaType.APPLICATION_JSON})
    @Operation(summary = "Install script", description = "A POSIX sh script writing the runner's config (server URL, runner id, token) with mode 0600. Authenticated by the runner's own token in the query; 401 for a wrong one.")
    @RunnerAccess(tokenInQuery = "token")
    @SecurityRequirement(name = "runnerTokenInQuery")
    public Response setupScript(@PathParam("id") String id,
                                @Parameter(description = "The runner's token", required = true) @QueryParam("token") String token) {
        AuthenticatedRunner self = auth.runner();
        UUID runnerId;
        try {
            runnerId = Ids.parse(id, "Runner");
        } catch (ProblemException e) {
            throw ProblemException.unauthorized("The token does not belong to this runner.");
        }
        if (!self.id().equals(runnerId)) {
            throw ProblemException.unauthorized("The token does not belong to this runner.");
        }
        Runner runner = runners.find(self.tenant(), runnerId)
                .orElseThrow(() -> ProblemException.unauthorized("The token does not belong to this runner."));
        return Response.ok(setup.script(runner, token.trim(), uriInfo), "text/x-shellscript").build();
    }

    @POST
    @Path("jobs/claim")
    @RunOnVirtualThread
    @Operation(summary = "Claim jobs", description = "limit 1-50 (default 1), wait_seconds 0-60 (default 0). 200 with jobs, each with lease_id, lease_expires_at and attempt; 204 when none came within wait_seconds. Returns as soon as a matching job is enqueued on any replica, or a person ends the runner's drain.")
    @APIResponse(responseCode = "200", description = "The jobs claimed")
    @APIResponse(responseCode = "204", description = "None came within wait_seconds")
    public RestResponse<JobView.Many> claim(@RequestBody(required = false) AgentRequests.Claim body, @Context HttpServerResponse response) {
        AgentRequests.Claim request = bodies.validOr(body, () -> new AgentRequests.Claim(null, null));
        List<JobView> claimed = agent.claim(auth.runner(), request.limit() == null ? 1 : request.limit(),
                Duration.ofSeconds(request.waitSeconds() == null ? 0 : request.waitSeconds()), response::closed);
        return claimed.isEmpty() ? RestResponse.noContent() : RestResponse.ok(new JobView.Many(claimed));
    }

    @GET
    @Path("jobs/{id}")
    @Operation(summary = "The job as its runner sees it", description = "status cancelled or timeout tells the runner to stop.")
    public JobView.One job(@PathParam("id") String id) {
        return new JobView.One(agent.view(auth.runner(), Ids.parse(id, "Job")));
    }

    @POST
    @Path("jobs/{id}/status")
    @Operation(summary = "Report phase and progress", description = "Renews the lease. Needs X-Lease-Id; 409 lease-lost when stale, 409 once the job is final.")
    public JobView.One status(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                              @RequestBody(required = false) AgentRequests.StatusUpdate body) {
        AgentRequests.StatusUpdate update = bodies.validOr(body,
                () -> new AgentRequests.StatusUpdate(null, null, null));
        return new JobView.One(agent.reportProgress(auth.runner(), Ids.parse(id, "Job"), LeaseCheck.lease(leaseId),
                update));
    }

    @POST
    @Path("jobs/{id}/logs")
    @Operation(summary = "Append log lines", description = "1-200 lines, each a string or {timestamp, level, message, data}. offset is the runner's number for the first line (from 0 or 1): a line this attempt already sent under that number is not stored again. next_offset is the number for the runner's next line. The service numbers stored lines from 1 (seq), in arrival order. Secret values are masked as ***.")
    public AgentService.LogsAccepted logs(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                                          AgentRequests.LogBatch body) {
        return agent.appendLogs(auth.runner(), Ids.parse(id, "Job"), LeaseCheck.lease(leaseId), bodies.valid(body));
    }

    @POST
    @Path("jobs/{id}/result")
    @Operation(summary = "Final report", description = "The same report twice answers the same; a different report on a final job is 409.")
    public JobView.One result(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                              AgentRequests.Result body) {
        return new JobView.One(agent.report(auth.runner(), Ids.parse(id, "Job"), LeaseCheck.lease(leaseId),
                bodies.valid(body)));
    }

    @GET
    @Path("jobs/{id}/secrets")
    @Operation(summary = "The job's secrets", description = "Only while the job runs on this runner under this lease; otherwise 404.")
    public Secrets secrets(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId) {
        return new Secrets(agent.secrets(auth.runner(), Ids.parse(id, "Job"), LeaseCheck.lease(leaseId)));
    }

    /** The body is optional (headers may say it all), so it is read whatever its content type. */
    private AgentRequests.Register parse(String rawBody) {
        try {
            return json.readValue(rawBody, AgentRequests.Register.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            List<FieldError> every = everyInvalidField.of(rawBody.getBytes(StandardCharsets.UTF_8),
                    AgentRequests.Register.class);
            throw every.isEmpty() ? ProblemMappers.fromJackson(e) : ProblemException.invalid(every);
        }
    }

    /**
     * The headers that gave the request a value its body left out, by the field they filled: an
     * invalid value is named as the caller sent it ({@code X-Runner-Max-Concurrency: 0}), not by
     * a body field the caller never wrote.
     */
    private static Map<String, String> headerNames(AgentRequests.Register body, AgentRequests.Register headers,
                                                   String labelsHeader) {
        Map<String, String> names = new HashMap<>();
        if (headers.name() != null && (body == null || body.name() == null)) {
            names.put("name", "X-Runner-Name");
        }
        if (headers.labels() != null && (body == null || body.labels() == null)) {
            names.put("labels", labelsHeader);
        }
        if (headers.version() != null && (body == null || body.version() == null)) {
            names.put("version", "X-Runner-Version");
        }
        if (headers.maxConcurrency() != null && (body == null || body.maxConcurrency() == null)) {
            names.put("max_concurrency", "X-Runner-Max-Concurrency");
        }
        return names;
    }

    /** A body's fields, and the X-Runner-* headers' for those it leaves out (an agent may send both). */
    private static AgentRequests.Register withDefaults(AgentRequests.Register body, AgentRequests.Register headers) {
        if (body == null) {
            return null; // a JSON null: refused as no body, below
        }
        return new AgentRequests.Register(body.id() != null ? body.id() : headers.id(),
                body.name() != null ? body.name() : headers.name(),
                body.labels() != null ? body.labels() : headers.labels(),
                body.version() != null ? body.version() : headers.version(), body.os(), body.arch(),
                body.maxConcurrency() != null ? body.maxConcurrency() : headers.maxConcurrency(),
                body.capabilities(), body.ephemeral());
    }

    /**
     * A header's text as the agent wrote it: HTTP hands header bytes over as ISO-8859-1, so a name
     * sent in UTF-8 (café) arrived as cafÃ©. Bytes that are not UTF-8 are kept as they came.
     */
    static String utf8(String header) {
        if (header == null || header.chars().allMatch(c -> c < 0x80)) {
            return header;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(header.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return header;
        }
    }

    /** The registration the X-Runner-* headers describe; each header sent that does not parse is added to {@code errors}. */
    private static AgentRequests.Register fromHeaders(String id, String name, String version, String maxConcurrency,
                                                       String labelsHeader, String tagsHeader, List<FieldError> errors) {
        // each header sent is checked, used or not: a body's labels, or X-Runner-Labels, win over X-Runner-Tags
        List<String> labels = labelsOf("X-Runner-Labels", labelsHeader, errors);
        List<String> tags = labelsOf("X-Runner-Tags", tagsHeader, errors);
        UUID runnerId = null;
        if (id != null && !id.isBlank()) {
            if (UUID_TEXT.matcher(id.trim()).matches()) { // UUID.fromString also takes 1-2-3-4-5
                runnerId = UUID.fromString(id.trim());
            } else {
                errors.add(new FieldError("X-Runner-Id", "must be a UUID"));
            }
        }
        Integer concurrency = null;
        if (maxConcurrency != null && !maxConcurrency.isBlank()) {
            try {
                concurrency = Integer.parseInt(maxConcurrency.trim());
            } catch (NumberFormatException e) {
                errors.add(new FieldError("X-Runner-Max-Concurrency", "must be an integer"));
            }
        }
        List<String> labelList = labels != null ? labels : tags;
        String runnerName = name != null && !name.isBlank() ? name.trim() : runnerId != null ? runnerId.toString() : null;
        // absent headers leave an existing runner's values alone; a new runner gets the defaults
        return new AgentRequests.Register(runnerId, runnerName, labelList,
                version != null && !version.isBlank() ? version.trim() : null, null, null, concurrency, null, null);
    }

    /**
     * A header's comma-separated labels (each trimmed, empty ones ignored); null when it was not
     * sent, or when it was refused (named once, by the header, not again by the body's checks).
     */
    private static List<String> labelsOf(String header, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        int before = errors.size();
        List<String> labels = QueryParams.labels(header, List.of(value), errors);
        return errors.size() == before ? labels : null;
    }
}
