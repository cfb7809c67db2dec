package dev.paddock.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Person;
import dev.paddock.common.Times;
import dev.paddock.dispatch.Fence;
import dev.paddock.dispatch.HeldJobs;
import dev.paddock.dispatch.JobClaims;
import dev.paddock.dispatch.Outcome;
import dev.paddock.dispatch.StopException;
import dev.paddock.dispatch.Job;
import dev.paddock.signal.Signals;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.db.Transactions;
import dev.paddock.joblog.JobLogWriter;
import dev.paddock.problem.ProblemException;
import dev.paddock.fleet.RunnerRequests;
import dev.paddock.fleet.RunnerService;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runner agent protocol, free of any wire format: register, heartbeat, claim (with a long-poll
 * wait), and the fenced calls on a held job. The canonical HTTP routes are one adapter over it;
 * other systems' agent dialects are siblings calling the same methods. A call on a held job is
 * one statement that locks, fences and changes it ({@link HeldJobs#change}), or, when it
 * is several, one local transaction ({@link Transactions}); a refusal that tells the
 * runner to stop does not undo its acknowledgement.
 */
@ApplicationScoped
public class AgentService {

    @Inject
    RunnerService runners;

    @Inject
    JobClaims claims;

    @Inject
    HeldJobs heldJobs;

    @Inject
    HeartbeatBatcher heartbeats;

    @Inject
    Signals signals;

    @Inject
    JobLogWriter logWriter;

    @Inject
    SecretCipher cipher;

    @Inject
    ObjectMapper json;

    @Inject
    Transactions connections;

    public record Beat(UUID runnerId, String status, List<UUID> stopJobIds, Instant serverTime) {
    }

    public record LogsAccepted(int accepted, long nextOffset) {
    }

    /** Self-registration by a person's credential: an upsert by id that always issues a new token. */
    public RunnerService.Created register(Person person, RunnerRequests.Register request) {
        return runners.register(person, request);
    }

    /**
     * A sign of life with what the runner reports; renews its leases and lists the jobs it must
     * stop. Written with the other heartbeats arriving meanwhile, in one transaction.
     */
    public Beat heartbeat(AuthenticatedRunner self, RunnerRequests.Heartbeat request) {
        return heartbeats.beat(self, request);
    }

    /**
     * Up to {@code limit} jobs, waiting up to {@code wait} for one to be enqueued on any replica.
     * Holds no transaction while it waits: each attempt is its own, and the caller's thread (a
     * virtual one) parks on a signal. Empty when nothing came in time or the replica is stopping.
     */
    public List<Job> claim(AuthenticatedRunner self, int limit, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String topic = Signals.tenantTopic(self.tenant());
        while (true) {
            // listen before looking, so an enqueue between the look and the wait is not missed
            CompletableFuture<Void> signal = signals.await(topic);
            try {
                List<Job> claimed = claims.claim(self.id(), limit);
                long remaining = deadline - System.nanoTime();
                if (!claimed.isEmpty() || remaining <= 0 || signals.stopping()) {
                    return claimed;
                }
                signal.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                signals.forget(topic, signal);
            }
        }
    }

    /** The job as its runner sees it; reading a stopped job acknowledges the stop. */
    public Job view(AuthenticatedRunner self, UUID jobId) {
        return connections.inTransaction(() -> claims.read(heldJobs.hold(self.id(), self.tenant(), jobId).id()));
    }

    /** Phase and progress; renews the lease. One statement. */
    public Job reportProgress(AuthenticatedRunner self, UUID jobId, Fence fence, AgentRequests.StatusUpdate update) {
        return heldJobs.reportProgress(self.id(), self.tenant(), jobId, fence, update.phase(), update.progress());
    }

    /** Renews the lease of the running job as it stores the lines. */
    public LogsAccepted appendLogs(AuthenticatedRunner self, UUID jobId, Fence fence, AgentRequests.LogBatch batch) {
        long next = logWriter.append(self.id(), self.tenant(), jobId, fence, batch.lines(), batch.offset());
        return new LogsAccepted(batch.lines().size(), next);
    }

    /** The final report; the same report again answers the same, a different one on a final job is 409. */
    public Job report(AuthenticatedRunner self, UUID jobId, Fence fence, AgentRequests.Result result) {
        // the final lines are kept in the report as stored: a NUL in them is U+FFFD in both
        List<JsonNode> logs = result.logs() == null ? List.of() : result.logs().stream().map(JobLogWriter::withoutNul).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> report = json.convertValue(result.logs() == null ? result : result.withLogs(logs), Map.class);
        Outcome outcome = new Outcome(result.finalStatus(), report, result.summary(),
                result.result(), result.issues() == null ? null : result.issues().stream().map(this::asMap).toList(),
                result.filesReviewed(), result.linesAnalyzed(), result.totalComments(), result.qualityRating(),
                result.metrics(), result.tokensUsed() == null ? null : asMap(result.tokensUsed()),
                result.actionsTaken(), result.error());
        try {
            if (logs.isEmpty()) {
                return heldJobs.complete(self.id(), self.tenant(), jobId, fence, outcome);
            }
            return connections.inTransaction(() -> {
                logWriter.append(self.id(), self.tenant(), jobId, fence, logs, null);
                return heldJobs.complete(self.id(), self.tenant(), jobId, fence, outcome);
            });
        } catch (StopException notRunning) {
            // the job is final: the runner's own report again is answered as the first time
            Job done = claims.read(jobId);
            if (done.report != null && sameJson(done.report, report)) {
                return done;
            }
            throw ProblemException.conflict("The job is already " + done.status + "; a different report cannot replace it.");
        }
    }

    /** Secrets only while the job runs on this runner under the caller's lease; otherwise 404. */
    public Map<String, String> secrets(AuthenticatedRunner self, UUID jobId, Fence fence) {
        HeldJobs.Held job = heldJobs.fenced(self.id(), self.tenant(), jobId, fence);
        if (!job.is(JobStatus.RUNNING)) {
            throw ProblemException.notFound("Secrets of a running job");
        }
        return cipher.decrypt(job.secrets());
    }

    private Map<String, Object> asMap(Object value) {
        return json.convertValue(value, json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }

    /** Compared as parsed JSON text, so that number widths and key order do not matter. */
    private boolean sameJson(Object stored, Object fresh) {
        try {
            return json.readTree(json.writeValueAsString(stored)).equals(json.readTree(json.writeValueAsString(fresh)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }
}
