package dev.paddock.runner;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.Labels;
import dev.paddock.common.Times;
import dev.paddock.job.JobReleases;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.problem.ProblemMappers;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The runner agent's own routes: self-registration and heartbeats. */
@Path("/api/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runner agent", description = "Routes runner agents call")
public class RunnerAgentResource {

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runners;

    @Inject
    JobReleases jobReleases;

    @Inject
    Bodies bodies;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    public record Registered(RunnerView runner, String token) {
    }

    public record HeartbeatAnswer(UUID runnerId, String status, List<UUID> cancelJobIds, Instant serverTime) {
    }

    @POST
    @Path("register")
    @SecurityRequirement(name = "jwt")
    @Operation(summary = "Self-registration (upsert by id)",
            description = "JWT with runners:register or runners:manage. Body, or with no body the X-Runner-* headers. 201 when created, 200 when an existing runner of the tenant was updated; a new token either way. An id owned by another tenant is 409.")
    public RestResponse<Registered> register(String rawBody,
                             @HeaderParam("X-Runner-Id") String headerId,
                             @HeaderParam("X-Runner-Name") String headerName,
                             @HeaderParam("X-Runner-Version") String headerVersion,
                             @HeaderParam("X-Runner-Max-Concurrency") String headerMaxConcurrency,
                             @HeaderParam("X-Runner-Labels") String headerLabels) {
        Person person = auth.personWithAny(Scopes.RUNNERS_REGISTER, Scopes.RUNNERS_MANAGE);
        RunnerRequests.Register request = rawBody != null && !rawBody.isBlank() ? parse(rawBody)
                : fromHeaders(headerId, headerName, headerVersion, headerMaxConcurrency, headerLabels);
        RunnerService.Created created = runners.register(person, bodies.valid(request));
        return RestResponse.status(created.isNew() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                new Registered(RunnerView.of(created.runner()), created.token()));
    }

    @POST
    @Path("heartbeat")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Heartbeat", description = "Renews the leases of the runner's running jobs and tells it which of its jobs were cancelled or timed out.")
    public HeartbeatAnswer heartbeat(RunnerRequests.Heartbeat body) {
        return beat(auth.runner(), body);
    }

    @POST
    @Path("{id}/heartbeat")
    @SecurityRequirement(name = "runnerToken")
    @Operation(summary = "Heartbeat (runner id in the path)", description = "The id must be the token's runner; another runner's id is 404.")
    public HeartbeatAnswer heartbeatById(@PathParam("id") String id, RunnerRequests.Heartbeat body) {
        AuthenticatedRunner self = auth.runner();
        Authenticator.requireOwn(self, Ids.parse(id, "Runner"));
        return beat(self, body);
    }

    private HeartbeatAnswer beat(AuthenticatedRunner self, RunnerRequests.Heartbeat body) {
        RunnerRequests.Heartbeat request = body == null ? new RunnerRequests.Heartbeat(null, null, null, null)
                : bodies.valid(body);
        Runner runner = runners.heartbeat(self, request);
        List<UUID> stops = jobReleases.renewLeasesAndCollectStops(self.id());
        return new HeartbeatAnswer(runner.id, runner.effectiveStatus(), stops, Times.out(Instant.now()));
    }

    /** The body is optional (headers may say it all), so it is read whatever its content type. */
    private RunnerRequests.Register parse(String rawBody) {
        try {
            return json.readValue(rawBody, RunnerRequests.Register.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw ProblemMappers.fromJackson(e);
        }
    }

    private static RunnerRequests.Register fromHeaders(String id, String name, String version, String maxConcurrency,
                                                       String labels) {
        List<FieldError> errors = new ArrayList<>();
        UUID runnerId = null;
        if (id != null && !id.isBlank()) {
            try {
                runnerId = UUID.fromString(id.trim());
            } catch (IllegalArgumentException e) {
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
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<String> labelList = labels == null ? null : Labels.normalize(Arrays.stream(labels.split(","))
                .map(String::trim).filter(label -> !label.isEmpty()).toList());
        String runnerName = name != null && !name.isBlank() ? name.trim() : runnerId != null ? runnerId.toString() : null;
        // absent headers leave an existing runner's values alone; a new runner gets the defaults
        return new RunnerRequests.Register(runnerId, runnerName, labelList,
                version != null && !version.isBlank() ? version.trim() : null, null, null, concurrency, null);
    }
}
