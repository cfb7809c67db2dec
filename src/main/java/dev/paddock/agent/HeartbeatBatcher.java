package dev.paddock.agent;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.common.Batcher;
import dev.paddock.common.Times;
import dev.paddock.db.Transactions;
import dev.paddock.dispatch.HeldJobs;
import dev.paddock.problem.ProblemException;
import dev.paddock.problem.ProblemMappers;
import dev.paddock.runner.RunnerStore;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for heartbeats ({@link Batcher}): the heartbeats that arrive while a batch is being
 * written are written together as the next batch, in one transaction of two statements (the runners' leases
 * renewed and their stops listed, then their reports and signs of life), and each heartbeat is
 * answered once its batch has committed. Under light load a batch is one heartbeat and nothing
 * waits; under heavy load the cost of a transaction is shared by every heartbeat in it.
 */
@ApplicationScoped
public class HeartbeatBatcher {

    private static final Logger LOG = Logger.getLogger(HeartbeatBatcher.class);
    private static final int MAX_BATCH = 500;
    /** Batches written at once: while one commits, the next is already being written. */
    private static final int WRITERS = 2;
    private static final long ANSWER_WITHIN_SECONDS = 15;

    @Inject
    Transactions transactions;

    @Inject
    HeldJobs heldJobs;

    @Inject
    RunnerStore runners;

    private record Pending(AuthenticatedRunner runner, AgentRequests.Heartbeat report, CompletableFuture<AgentService.Beat> answer) {
    }

    private Batcher<Pending> arrived;

    @PostConstruct
    void init() {
        arrived = new Batcher<>("paddock-heartbeats", WRITERS, MAX_BATCH, Duration.ZERO, this::write);
    }

    void stop(@Observes ShutdownEvent event) {
        arrived.stop().forEach(pending -> pending.answer().completeExceptionally(unavailable()));
    }

    /**
     * Records the runner's heartbeat and answers once it is committed: the runner's status as
     * people now see it and the jobs it must stop. 401 when the runner is gone.
     */
    public AgentService.Beat beat(AuthenticatedRunner runner, AgentRequests.Heartbeat report) {
        try {
            return beatLater(runner, report).get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw unavailable();
        } catch (TimeoutException e) {
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
    }

    /**
     * {@link #beat}, answered when its batch has committed instead of waiting for it: completed by
     * the batch's writer with the answer, or with the {@link ProblemException} to answer instead.
     * The writer answers every heartbeat it takes, whatever happens to its batch, and a stop
     * answers those left: no timer per heartbeat (one cost a tenth of a heartbeat's CPU).
     */
    public CompletableFuture<AgentService.Beat> beatLater(AuthenticatedRunner runner, AgentRequests.Heartbeat report) {
        Pending pending = new Pending(runner, report, new CompletableFuture<>());
        arrived.add(pending);
        return pending.answer();
    }

    /** Every heartbeat of the batch is answered, whatever happens to the batch. */
    private void write(List<Pending> batch) {
        try {
            writeOnce(batch);
        } catch (RuntimeException | Error e) {
            LOG.warnf(e, "Heartbeat batch of %d failed", batch.size());
            batch.forEach(pending -> pending.answer().completeExceptionally(unavailable()));
        }
    }

    /** One transaction for the batch, retried once (a deadlock or a dropped connection). */
    private void writeOnce(List<Pending> batch) {
        // one report per runner, its latest; every heartbeat of that runner gets the same answer
        Map<UUID, RunnerStore.Report> latest = new LinkedHashMap<>();
        Map<UUID, List<UUID>> running = new HashMap<>(); // the runners that said which jobs they still run
        for (Pending pending : batch) {
            AgentRequests.Heartbeat beat = pending.report();
            latest.put(pending.runner().id(), new RunnerStore.Report(pending.runner().id(), beat.status(),
                    beat.version(), beat.systemInfo()));
            if (beat.runningJobIds() != null) {
                running.put(pending.runner().id(), beat.runningJobIds());
            } else {
                running.remove(pending.runner().id());
            }
        }
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                transactions.inTransaction(() -> {
                    // jobs before runners, the order in which every transition takes its locks
                    Map<UUID, List<UUID>> stops = heldJobs.renewLeasesAndListStops(latest.keySet(), running);
                    Map<UUID, String> statuses = runners.recordHeartbeats(latest.values());
                    transactions.afterCommit(() -> answer(batch, stops, statuses));
                });
                return;
            } catch (ProblemException refused) {
                batch.forEach(pending -> pending.answer().completeExceptionally(refused));
                return;
            } catch (RuntimeException e) {
                failure = e;
                if (ProblemMappers.holdsNulCharacter(e)) {
                    break; // a value PostgreSQL cannot store: no second try will store it
                }
            }
        }
        if (ProblemMappers.holdsNulCharacter(failure)) {
            // one runner's report (a NUL in a system_info key) fails that runner alone, not its batch
            if (batch.size() > 1) {
                batch.forEach(pending -> writeOnce(List.of(pending)));
            } else {
                batch.getFirst().answer().completeExceptionally(
                        ProblemException.invalid("system_info", "must not contain the NUL character (\\u0000)"));
            }
            return;
        }
        LOG.warnf("Heartbeat batch of %d not written (%s)", batch.size(), failure.getMessage());
        batch.forEach(pending -> pending.answer().completeExceptionally(unavailable()));
    }

    private static void answer(List<Pending> batch, Map<UUID, List<UUID>> stops, Map<UUID, String> statuses) {
        Instant now = Times.out(Instant.now());
        for (Pending pending : batch) {
            UUID id = pending.runner().id();
            String status = statuses.get(id);
            if (status == null) {
                pending.answer().completeExceptionally(ProblemException.unauthorized("Invalid runner token."));
            } else {
                pending.answer().complete(new AgentService.Beat(id, status, stops.getOrDefault(id, List.of()), now));
            }
        }
    }

    private static ProblemException unavailable() {
        return ProblemException.unavailable("Heartbeats cannot be recorded right now; try again.");
    }
}
