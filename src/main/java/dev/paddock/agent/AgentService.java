package dev.paddock.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.auth.Person;
import dev.paddock.dispatch.Fence;
import dev.paddock.dispatch.HeldJobs;
import dev.paddock.dispatch.JobClaims;
import dev.paddock.dispatch.Outcome;
import dev.paddock.dispatch.StopException;
import dev.paddock.dispatch.Job;
import dev.paddock.signal.Signals;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.db.Transactions;
import dev.paddock.job.JobView;
import dev.paddock.joblog.JobLogWriter;
import dev.paddock.problem.ProblemException;
import dev.paddock.auth.RunnerCredentials;
import dev.paddock.common.Labels;
import dev.paddock.dispatch.JobReleases;
import dev.paddock.runner.Runner;
import dev.paddock.runner.RunnerStore;
import dev.paddock.runner.RunnerTokens;
import dev.paddock.secret.SecretCipher;
import dev.paddock.secret.SecretMasking;
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
import java.util.function.BooleanSupplier;

/**
 * The runner agent protocol, free of any wire format: register, heartbeat, update its own record,
 * deregister, claim (with a long-poll wait), and the fenced calls on a held job. The canonical HTTP routes are one adapter over it;
 * other systems' agent dialects are siblings calling the same methods. A call on a held job is
 * one statement that locks, fences and changes it ({@link HeldJobs#change}), or, when it
 * is several, one local transaction ({@link Transactions}); a refusal that tells the
 * runner to stop does not undo its acknowledgement.
 */
@ApplicationScoped
public class AgentService {

    @Inject
    RunnerStore runners;

    @Inject
    RunnerCredentials credentials;

    @Inject
    JobReleases releases;

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
    SecretMasking masking;

    @Inject
    ObjectMapper json;

    @Inject
    Transactions connections;

    public record Beat(UUID runnerId, String status, List<UUID> stopJobIds, Instant serverTime) {
    }

    public record LogsAccepted(int accepted, long nextOffset) {
    }

    /** A runner just registered, with the token issued to it; {@code isNew} when the call created it. */
    public record Registered(Runner runner, String token, boolean isNew) {
    }

    /** What a runner may change on its own record: descriptive fields, never its labels or capacity. */
    public record SelfUpdate(String name, Map<String, Object> capabilities, String version, String os, String arch) {
    }

    /**
     * Self-registration by a person's credential: an upsert by id within the tenant that always
     * issues a new token (the old one dies at once on every replica), and the runner's first sign
     * of life. An id held by another tenant is refused and nothing changes.
     */
    public Registered register(Person person, AgentRequests.Register request) {
        UUID id = request.id() != null ? request.id() : UUID.randomUUID();
        RunnerTokens.Issued token = RunnerTokens.issue();
        RunnerStore.Fields fields = new RunnerStore.Fields(request.name(),
                request.labels() == null ? null : Labels.normalize(request.labels()), request.maxConcurrency(),
                request.capabilities(), request.version(), request.os(), request.arch(), request.ephemeral());
        return connections.inTransaction(() -> {
            RunnerStore.Registered registered = runners.register(id, person.tenant(), person.subject(),
                    person.viaApiKey() ? person.apiKeyId() : null, fields, token);
            if (!registered.isNew()) {
                credentials.forget(id);
            }
            return new Registered(registered.runner(), token.token(), registered.isNew());
        });
    }

    /** The runner changes its own descriptive fields. */
    public Runner updateSelf(AuthenticatedRunner self, SelfUpdate update) {
        return runners.update(self.tenant(), self.id(), new RunnerStore.Fields(update.name(), null, null,
                update.capabilities(), update.version(), update.os(), update.arch(), null))
                .orElseThrow(() -> ProblemException.notFound("Runner"));
    }

    /** The runner deregisters itself: offline, record kept, its running jobs go back to the queue. */
    public void deregister(AuthenticatedRunner self) {
        connections.inTransaction(() -> {
            // the runner first: an ephemeral one is then deleted by the release of its job, if it held one
            runners.markOffline(self.tenant(), self.id()).orElseThrow(() -> ProblemException.notFound("Runner"));
            releases.release(self.id(), "runner deregistered; out of attempts");
            credentials.forget(self.id());
        });
    }

    /**
     * A sign of life with what the runner reports; renews its leases and lists the jobs it must
     * stop. Written with the other heartbeats arriving meanwhile, in one transaction.
     */
    public Beat heartbeat(AuthenticatedRunner self, AgentRequests.Heartbeat request) {
        return heartbeats.beat(self, request);
    }

    /** {@link #heartbeat} without waiting: the answer, or the refusal, once its batch commits. */
    public CompletableFuture<Beat> heartbeatLater(AuthenticatedRunner self, AgentRequests.Heartbeat request) {
        return heartbeats.beatLater(self, request);
    }

    /**
     * Up to {@code limit} jobs, waiting up to {@code wait} for one to be enqueued on any replica.
     * Holds no transaction while it waits: each attempt is its own, and the caller's thread (a
     * virtual one) parks on a signal. Empty when nothing came in time or the replica is stopping.
     */
    public List<JobView> claim(AuthenticatedRunner self, int limit, Duration wait) {
        return claim(self, limit, wait, () -> false);
    }

    /**
     * {@link #claim(AuthenticatedRunner, int, Duration)} for a caller that may go away while it
     * waits: once {@code callerGone}, a wake-up claims nothing. An agent killed during its long
     * poll would otherwise take the next job for a connection no one reads, and the job would
     * wait for its lease to run out, one attempt spent.
     */
    public List<JobView> claim(AuthenticatedRunner self, int limit, Duration wait, BooleanSupplier callerGone) {
        long deadline = System.nanoTime() + wait.toNanos();
        String topic = Signals.tenantTopic(self.tenant());
        while (true) {
            if (callerGone.getAsBoolean()) {
                return List.of();
            }
            // listen before looking, so an enqueue between the look and the wait is not missed
            CompletableFuture<Void> signal = signals.await(topic);
            try {
                List<Job> claimed = claims.claim(self.id(), limit);
                long remaining = deadline - System.nanoTime();
                if (!claimed.isEmpty() || remaining <= 0 || signals.stopping()) {
                    return claimed.stream().map(JobView::forHolder).toList();
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

    /**
     * The job as its runner sees it, with its lease id while the runner holds it; reading a stopped
     * job acknowledges the stop.
     */
    public JobView view(AuthenticatedRunner self, UUID jobId) {
        Job job = connections.inTransaction(() -> claims.read(heldJobs.hold(self.id(), self.tenant(), jobId).id()));
        return self.id().equals(job.runnerId) ? JobView.forHolder(job) : JobView.of(job);
    }

    /** {@link #view} for a dialect whose every job call is fenced: 409 lease-lost unless the call passes {@code check}. */
    public JobView view(AuthenticatedRunner self, UUID jobId, LeaseCheck check) {
        Job job = connections.inTransaction(() -> claims.read(heldJobs.fenced(self.id(), self.tenant(), jobId, check.fence()).id()));
        return self.id().equals(job.runnerId) ? JobView.forHolder(job) : JobView.of(job);
    }

    /** Phase and progress; renews the lease. One statement. */
    public JobView reportProgress(AuthenticatedRunner self, UUID jobId, LeaseCheck check,
                                  AgentRequests.StatusUpdate update) {
        return JobView.forHolder(heldJobs.reportProgress(self.id(), self.tenant(), jobId, check.fence(), update.phase(),
                update.progress()));
    }

    /** Renews the lease of the running job as it stores the lines. */
    public LogsAccepted appendLogs(AuthenticatedRunner self, UUID jobId, LeaseCheck check, AgentRequests.LogBatch batch) {
        long next = logWriter.append(self.id(), self.tenant(), jobId, check.fence(), "lines", batch.lines(),
                batch.offset());
        return new LogsAccepted(batch.lines().size(), next);
    }

    /** The final report; the same report again answers the same, a different one on a final job is 409. */
    public JobView report(AuthenticatedRunner self, UUID jobId, LeaseCheck check, AgentRequests.Result result) {
        return JobView.forHolder(finish(self, jobId, check.fence(), result));
    }

    private Job finish(AuthenticatedRunner self, UUID jobId, Fence fence, AgentRequests.Result result) {
        // the final lines are kept in the report as stored: a NUL in them is U+FFFD in both
        List<JsonNode> logs = result.logs() == null ? List.of() : result.logs().stream().map(JobLogWriter::withoutNul).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> report = json.convertValue(result.logs() == null ? result : result.withLogs(logs), Map.class);
        // its status as stored, so that "failed" sent again as "failure" is the same report
        report.put("status", result.finalStatus().wire());
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
                logWriter.append(self.id(), self.tenant(), jobId, fence, "logs", logs, null);
                return heldJobs.complete(self.id(), self.tenant(), jobId, fence, outcome);
            });
        } catch (StopException notRunning) {
            // the job is final: the runner's own report again is answered as the first time (as
            // stored: with the values of the job's secrets masked)
            Job done = claims.read(jobId);
            if (done.report != null && sameJson(done.report, masking.of(done.secrets).map(report))) {
                return done;
            }
            throw ProblemException.conflict("The job is already " + done.status + "; a different report cannot replace it.");
        }
    }

    /** Secrets only while the job runs on this runner under the caller's lease; otherwise 404. */
    public Map<String, String> secrets(AuthenticatedRunner self, UUID jobId, LeaseCheck check) {
        HeldJobs.Held job = heldJobs.fenced(self.id(), self.tenant(), jobId, check.fence());
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
