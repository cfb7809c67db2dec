package dev.paddock.agent;

import dev.paddock.auth.AuthenticatedRunner;
import dev.paddock.common.Times;
import dev.paddock.dispatch.DispatchStore;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.RunnerRequests;
import dev.paddock.runner.RunnerService;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for heartbeats: the heartbeats that arrive while a batch is being written are
 * written together as the next batch, in one transaction of two statements (the runners' leases
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
    AgroalDataSource dataSource;

    @Inject
    DispatchStore dispatch;

    @Inject
    RunnerService runners;

    private record Pending(AuthenticatedRunner runner, RunnerRequests.Heartbeat report, CompletableFuture<AgentService.Beat> answer) {
    }

    private final LinkedBlockingQueue<Pending> arrived = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private final List<Thread> writers = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofPlatform().daemon().name("paddock-heartbeats-" + i).start(this::writeLoop));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        writers.forEach(Thread::interrupt);
        List<Pending> left = new ArrayList<>();
        arrived.drainTo(left);
        left.forEach(pending -> pending.answer().completeExceptionally(unavailable()));
    }

    /**
     * Records the runner's heartbeat and answers once it is committed: the runner's status as
     * people now see it and the jobs it must stop. 401 when the runner is gone.
     */
    public AgentService.Beat beat(AuthenticatedRunner runner, RunnerRequests.Heartbeat report) {
        Pending pending = new Pending(runner, report, new CompletableFuture<>());
        arrived.add(pending);
        try {
            return pending.answer().get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
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

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = arrived.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                arrived.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Heartbeat batch failed");
                batch.forEach(pending -> pending.answer().completeExceptionally(unavailable()));
            } finally {
                batch.clear();
            }
        }
    }

    /** One transaction for the batch, retried once (a deadlock or a dropped connection). */
    private void write(List<Pending> batch) {
        // one report per runner, its latest; every heartbeat of that runner gets the same answer
        Map<UUID, RunnerService.Report> latest = new LinkedHashMap<>();
        for (Pending pending : batch) {
            latest.put(pending.runner().id(), new RunnerService.Report(pending.runner().id(), pending.report()));
        }
        SQLException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    // jobs before runners, the order in which every transition takes its locks
                    Map<UUID, List<UUID>> stops = dispatch.renewLeasesAndListStops(connection, latest.keySet());
                    Map<UUID, String> statuses = runners.recordHeartbeats(connection, latest.values());
                    connection.commit();
                    answer(batch, stops, statuses);
                    return;
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                failure = e;
            }
        }
        LOG.warnf("Heartbeat batch of %d not written (%s)", batch.size(), failure.getSQLState());
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
