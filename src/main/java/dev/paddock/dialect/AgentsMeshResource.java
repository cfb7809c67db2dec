package dev.paddock.dialect;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import dev.paddock.auth.Authenticator;
import dev.paddock.auth.Person;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Ids;
import dev.paddock.common.PageRequest;
import dev.paddock.job.JobQueries;
import dev.paddock.job.PodView;
import dev.paddock.problem.ProblemException;
import dev.paddock.fleet.RunnerService;
import dev.paddock.runner.RunnerView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * AgentsMesh's organisation-scoped runner API (DIALECTS.md §4): the organisation is the caller's
 * tenant, runners show their active jobs as {@code pod_count} and their capacity as
 * {@code max_pods}, and a runner's jobs are its pods.
 */
@Path("/api/v1/ext/orgs/{org}/runners")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dialect: AgentsMesh", description = "AgentsMesh's runner API; {org} is the caller's tenant (another value is 404). A person's JWT or an API key (X-API-Key or Bearer) with runners:read.")
@SecurityRequirement(name = "jwt")
@PersonAccess(Scopes.RUNNERS_READ)
public class AgentsMeshResource {

    /** Without limit or offset a list holds the whole fleet, as AgentsMesh's own does, up to this many. */
    private static final int WHOLE_FLEET = 1000;

    @Inject
    Authenticator auth;

    @Inject
    RunnerService runners;

    @Inject
    JobQueries jobQueries;

    @Context
    UriInfo uriInfo;

    @Schema(name = "AgentsMeshRunner", example = """
            {"id": "5f0c6a1e-8a43-4f7e-9a7e-0a4a3c1d2b11", "name": "dev-runner-01", "status": "online",
             "version": "1.2.0", "os": "linux", "arch": "amd64", "labels": ["gpu"], "pod_count": 3, "max_pods": 5,
             "last_heartbeat_at": "2026-01-15T14:30:00Z", "created_at": "2026-01-10T09:00:00Z"}""")
    public record MeshRunner(UUID id, String name, String status, String version, String os, String arch,
                             List<String> labels, int podCount, int maxPods, Instant lastHeartbeatAt,
                             Instant createdAt) {
        static MeshRunner of(RunnerView runner) {
            return new MeshRunner(runner.id(), runner.name(), runner.status(), runner.version(), runner.os(),
                    runner.arch(), runner.labels(), runner.podCount(), runner.maxPods(), runner.lastHeartbeatAt(),
                    runner.createdAt());
        }
    }

    @Schema(name = "AgentsMeshMany")

    public record Many(List<MeshRunner> runners) {
    }

    @Schema(name = "AgentsMeshOne")

    public record One(MeshRunner runner) {
    }

    @GET
    @Operation(summary = "The organisation's runners", description = "{runners: [...]}; newest heartbeat first. limit/offset page it; without them, the whole fleet (up to 1,000).")
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "Runners at most (without limit or offset: the whole fleet, up to 1,000)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200"))
    @Parameter(name = "offset", in = ParameterIn.QUERY, description = "Runners skipped (default 0)", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "2147483647"))
    public Many list(@PathParam("org") String org) {
        return new Many(list(org, false));
    }

    @GET
    @Path("available")
    @Operation(summary = "Runners that can take work now", description = "Online or busy, not draining, pod_count < max_pods.")
    public Many available(@PathParam("org") String org) {
        return new Many(list(org, true));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One runner")
    public One get(@PathParam("org") String org, @PathParam("id") String id) {
        Person person = member(org);
        return new One(MeshRunner.of(RunnerView.of(runners.get(person.tenant(), Ids.parse(id, "Runner")))));
    }

    @GET
    @Path("{id}/pods")
    @Operation(summary = "The runner's pods (its jobs)", description = "status: pending | running | terminated; limit, offset. {pods: [{key, status, agent_type_id, initial_prompt, created_at}], total, limit, offset}.")
    @Parameter(name = "status", in = ParameterIn.QUERY, description = "The pod's status", schema = @Schema(enumeration = {PodView.PENDING, PodView.RUNNING, PodView.TERMINATED}))
    public PodView.Page pods(@PathParam("org") String org, @PathParam("id") String id) {
        Person person = member(org);
        UUID runnerId = Ids.parse(id, "Runner");
        runners.get(person.tenant(), runnerId);
        return jobQueries.pods(person.tenant(), runnerId, uriInfo.getQueryParameters());
    }

    private List<MeshRunner> list(String org, boolean onlyAvailable) {
        Person person = member(org);
        var query = uriInfo.getQueryParameters();
        PageRequest page = query.containsKey("limit") || query.containsKey("offset") || query.containsKey("page")
                || query.containsKey("per_page") ? PageRequest.from(query) : new PageRequest(WHOLE_FLEET, 0, null, null);
        return runners.list(person.tenant(), new RunnerService.Filters(null, List.of(), null), page, onlyAvailable)
                .runners().stream().map(MeshRunner::of).toList();
    }

    /** The organisation in the path is the caller's tenant; any other is not found for it. */
    private Person member(String org) {
        Person person = auth.person();
        if (!person.tenant().equals(org)) {
            throw ProblemException.notFound("Organisation");
        }
        return person;
    }
}
