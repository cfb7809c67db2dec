package dev.paddock.job;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Authenticator;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The runner agent's job routes: claim (with long polling) and the fenced calls on a held job. */
@Path("/api/runners/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runner agent")
@SecurityRequirement(name = "runnerToken")
public class RunnerJobResource {

    static final String LEASE_HEADER = "X-Lease-Id";

    @Inject
    Authenticator auth;

    @Inject
    JobClaimService claims;

    @Inject
    JobSignals signals;

    @Inject
    RunnerJobService jobs;

    @Inject
    Bodies bodies;

    public record Secrets(Map<String, String> secrets) {
    }

    /**
     * Runs on a virtual thread: while it waits for a matching enqueue it holds no platform thread
     * and no database connection (each attempt is its own short transaction).
     */
    @POST
    @Path("claim")
    @RunOnVirtualThread
    @Operation(summary = "Claim jobs", description = "limit 1-50 (default 1), wait_seconds 0-60 (default 0). 200 with jobs, each with lease_id, lease_expires_at and attempt; 204 when none came within wait_seconds. Returns as soon as a matching job is enqueued on any replica.")
    public RestResponse<JobView.Many> claim(JobRequests.Claim body) {
        AuthenticatedRunner self = auth.runner();
        JobRequests.Claim request = body == null ? new JobRequests.Claim(null, null) : bodies.valid(body);
        int limit = request.limit() == null ? 1 : request.limit();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(request.waitSeconds() == null ? 0 : request.waitSeconds());
        String topic = JobSignals.tenantTopic(self.tenant());
        while (true) {
            // listen before looking, so an enqueue between the look and the wait is not missed
            CompletableFuture<Void> signal = signals.await(topic);
            try {
                List<Job> claimed = claims.claim(self, limit);
                if (!claimed.isEmpty()) {
                    return RestResponse.ok(new JobView.Many(claimed.stream().map(JobView::forHolder).toList()));
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || signals.stopping()) {
                    return RestResponse.noContent();
                }
                signal.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return RestResponse.noContent();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return RestResponse.noContent();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                signals.forget(topic, signal);
            }
        }
    }

    @GET
    @Path("{id}")
    @Operation(summary = "The job as its runner sees it", description = "status cancelled or timeout tells the runner to stop.")
    public JobView.One get(@PathParam("id") String id) {
        AuthenticatedRunner self = auth.runner();
        Job job = jobs.view(self, Ids.parse(id, "Job"));
        return new JobView.One(self.id().equals(job.runnerId) ? JobView.forHolder(job) : JobView.of(job));
    }

    @POST
    @Path("{id}/status")
    @Operation(summary = "Report phase and progress", description = "Renews the lease. Needs X-Lease-Id; 409 lease-lost when stale, 409 once the job is final.")
    public JobView.One status(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                              JobRequests.StatusUpdate body) {
        AuthenticatedRunner self = auth.runner();
        JobRequests.StatusUpdate update = body == null ? new JobRequests.StatusUpdate(null, null, null) : bodies.valid(body);
        return new JobView.One(JobView.forHolder(jobs.updateStatus(self, Ids.parse(id, "Job"), leaseId, update)));
    }

    @POST
    @Path("{id}/logs")
    @Operation(summary = "Append log lines", description = "1-200 lines, each a string or {timestamp, level, message, data}; offset (sequence of the first line) makes a resent batch idempotent. Secret values are masked as ***.")
    public RunnerJobService.LogsAccepted logs(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                                              JobRequests.LogBatch body) {
        AuthenticatedRunner self = auth.runner();
        return jobs.appendLogs(self, Ids.parse(id, "Job"), leaseId, bodies.valid(body));
    }

    @POST
    @Path("{id}/result")
    @Operation(summary = "Final report", description = "The same report twice answers the same; a different report on a final job is 409.")
    public JobView.One result(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId,
                              JobRequests.Result body) {
        AuthenticatedRunner self = auth.runner();
        return new JobView.One(JobView.forHolder(jobs.report(self, Ids.parse(id, "Job"), leaseId, bodies.valid(body))));
    }

    @GET
    @Path("{id}/secrets")
    @Operation(summary = "The job's secrets", description = "Only while the job runs on this runner under this lease; otherwise 404.")
    public Secrets secrets(@PathParam("id") String id, @HeaderParam(LEASE_HEADER) String leaseId) {
        AuthenticatedRunner self = auth.runner();
        return new Secrets(jobs.secrets(self, Ids.parse(id, "Job"), leaseId));
    }
}
