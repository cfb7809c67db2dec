package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import sun.misc.Signal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code paddock-agent run}: heartbeats, claims jobs for its free slots with a long poll, runs each
 * ({@link JobExecution}) and stops the way an operator expects: the first SIGTERM or SIGINT drains
 * (no new jobs, running ones finish, then exit 0), a second one stops the running jobs, reports
 * them as failed "agent stopped" and exits within {@link #STOP_WITHIN}. A refused token ends it at
 * once with {@link #EXIT_TOKEN_REFUSED}.
 */
final class Agent {

    static final int EXIT_TOKEN_REFUSED = 3;
    static final Duration STOP_WITHIN = Duration.ofSeconds(15);
    static final int CLAIM_WAIT_SECONDS = 30;
    /** The most jobs one claim may ask for. */
    static final int CLAIM_LIMIT = 50;

    private final AgentSettings settings;
    private final PaddockClient client;
    private final String version;
    private final JobExecution.Context context;
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final AtomicInteger signals = new AtomicInteger();
    private final Object slots = new Object();
    /**
     * How many jobs run at once: --concurrency, at most the runner's max_concurrency (the service
     * hands it no more, and a long poll asking for a slot it would never fill waits to its end
     * while queued jobs wait too).
     */
    private volatile int slotCount;
    private final Object heartbeatWake = new Object();
    private volatile boolean draining;
    private volatile Thread claimer;
    private volatile boolean claimedOnce;
    /** The runner is ephemeral (its record says so): one job, as with --once, and it is gone after it. */
    private volatile boolean ephemeral;
    private final java.util.concurrent.atomic.AtomicBoolean goneAfterItsJob = new java.util.concurrent.atomic.AtomicBoolean();

    Agent(AgentSettings settings, String version, Map<String, String> environment) {
        this.settings = settings;
        this.slotCount = settings.concurrency();
        this.version = version;
        this.client = new PaddockClient(settings.server(), settings.token(), version);
        this.context = new JobExecution.Context(client, settings.workDir(), settings.logFlush(), environment,
                settings.token(), this::tokenRefused, () -> running.size());
    }

    int run() {
        Signal.handle(new Signal("TERM"), this::signalled);
        Signal.handle(new Signal("INT"), this::signalled);
        AgentLog.info("paddock-agent " + version + " for runner " + (settings.runnerId() == null ? "(from its token)" : settings.runnerId())
                + " at " + settings.server() + ": " + settings.concurrency() + " slot(s)" + (settings.once() ? ", one job" : "")
                + ", work directory " + settings.workDir());
        try {
            heartbeat();
            describe();
            Thread.ofPlatform().daemon().name("heartbeat").start(this::heartbeats);
            claimer = Thread.currentThread();
            claimJobs();
            awaitRunningJobs();
            AgentLog.info("stopped");
            return 0;
        } catch (PaddockClient.TokenRefused e) {
            tokenRefused();
            return EXIT_TOKEN_REFUSED;
        }
    }

    /**
     * Tells the service this machine's version, os and arch, so the fleet shows them; learns from
     * the answer whether the runner is ephemeral.
     */
    private void describe() {
        if (settings.runnerId() == null) {
            return;
        }
        try {
            JsonNode runner = client.describe(settings.runnerId(), version, os(), arch()).path("runner");
            ephemeral = runner.path("ephemeral").asBoolean(false);
            int most = runner.path("max_concurrency").asInt(0);
            if (most > 0 && most < slotCount) {
                AgentLog.warn("the runner may hold " + most + " job(s) at once (its max_concurrency): " + most
                        + " slot(s), not the " + slotCount + " of --concurrency");
                slotCount = most;
            }
            if (ephemeral && !settings.once()) {
                AgentLog.info("an ephemeral runner: one job, then it stops");
            }
        } catch (PaddockClient.Retry | PaddockClient.Refused e) {
            AgentLog.warn("version, os and arch not reported (" + e.getMessage() + ")");
        }
    }

    private void claimJobs() {
        Backoff backoff = new Backoff();
        while (!draining && !(oneJob() && claimedOnce)) {
            int free = awaitFreeSlots();
            if (draining) {
                return;
            }
            try {
                long asked = System.nanoTime();
                List<JsonNode> jobs = client.claim(oneJob() ? 1 : Math.min(free, CLAIM_LIMIT), CLAIM_WAIT_SECONDS);
                backoff.reset();
                for (JsonNode job : jobs) {
                    start(JobSpec.from(job));
                    claimedOnce = true;
                }
                if (answeredEarlyEmpty(jobs.size(), Duration.ofNanos(System.nanoTime() - asked)) && !draining) {
                    // a replica that is stopping releases its long polls at once: asked again at
                    // once, it would be asked a hundred times a second, up to the token's rate limit
                    sleep(Backoff.FIRST);
                }
            } catch (PaddockClient.Retry | PaddockClient.Refused e) {
                if (draining) {
                    return;
                }
                Duration wait = backoff.next(e instanceof PaddockClient.Retry retry ? retry.retryAfter : null);
                AgentLog.warn("claim failed (" + e.getMessage() + "); next try in " + wait.toMillis() + " ms");
                sleep(wait);
            }
        }
    }

    /** An empty answer long before the poll's wait ran out: the service did not hold the poll. */
    static boolean answeredEarlyEmpty(int jobs, Duration took) {
        return jobs == 0 && took.compareTo(Duration.ofSeconds(CLAIM_WAIT_SECONDS / 2)) < 0;
    }

    private void start(JobSpec job) {
        JobExecution execution = new JobExecution(job, context);
        String key = job.id() + "/" + job.attempt(); // a requeued job may come back to this runner while its old attempt stops
        running.put(key, execution);
        if (signals.get() >= 2) {
            execution.stop(JobExecution.Stop.AGENT_STOPPED); // claimed as the agent was told to stop
        }
        wakeHeartbeats(); // the lease of a new job may call for heartbeats sooner
        Thread.ofPlatform().name("job-" + job.id()).start(() -> {
            try {
                execution.run();
            } finally {
                running.remove(key, execution);
                synchronized (slots) {
                    slots.notifyAll();
                }
            }
        });
    }

    /** Waits until a slot is free; answers how many are. */
    private int awaitFreeSlots() {
        synchronized (slots) {
            while (!draining && running.size() >= slotCount) {
                try {
                    slots.wait(1000);
                } catch (InterruptedException e) {
                    Thread.interrupted(); // a signal woke the claimer: the loop looks at draining
                }
            }
            return slotCount - running.size();
        }
    }

    private void awaitRunningJobs() {
        synchronized (slots) {
            while (!running.isEmpty()) {
                try {
                    slots.wait(1000);
                } catch (InterruptedException e) {
                    Thread.interrupted();
                }
            }
        }
    }

    private void heartbeats() {
        boolean failing = false;
        while (true) {
            synchronized (heartbeatWake) {
                try {
                    heartbeatWake.wait(Math.max(100, heartbeatInterval().toMillis()));
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                sendHeartbeat();
                if (failing) {
                    AgentLog.info("heartbeats are answered again");
                    failing = false;
                }
            } catch (PaddockClient.Retry | PaddockClient.Refused e) {
                if (!failing) {
                    AgentLog.warn("heartbeat failed (" + e.getMessage() + "); running jobs go on, trying again");
                    failing = true;
                }
            } catch (PaddockClient.TokenRefused e) {
                tokenRefused();
                return;
            }
        }
    }


    /** Every heartbeat interval, and at least three times a lease of any running job, so no lease lapses. */
    private Duration heartbeatInterval() {
        Duration interval = settings.heartbeatInterval();
        for (JobExecution execution : running.values()) {
            Duration third = execution.job().lease().dividedBy(3);
            if (third.compareTo(interval) < 0) {
                interval = third;
            }
        }
        return interval;
    }

    private void heartbeat() {
        try {
            sendHeartbeat();
        } catch (PaddockClient.Retry | PaddockClient.Refused e) {
            AgentLog.warn("heartbeat failed (" + e.getMessage() + "); the agent goes on and tries again");
        }
    }

    private void sendHeartbeat() throws PaddockClient.Retry, PaddockClient.Refused {
        List<String> runningJobIds = running.values().stream().map(execution -> execution.job().id()).distinct().toList();
        String status = draining ? "draining" : running.size() >= slotCount ? "busy" : "online";
        List<String> cancelled = client.heartbeat(new PaddockClient.Heartbeat(status, runningJobIds, version, os(), arch(),
                SystemInfo.read(settings.workDir())));
        for (String id : cancelled) {
            List<JobExecution> ours = running.values().stream().filter(execution -> execution.job().id().equals(id)).toList();
            if (ours.isEmpty()) {
                acknowledgeStopped(id);
            }
            ours.forEach(execution -> execution.stop(JobExecution.Stop.CANCELLED));
        }
    }

    /**
     * A job the service says to stop that this agent does not run (it stopped it already, at its
     * timeout, or before a restart): reading it acknowledges the stop, so heartbeats stop listing it.
     */
    private void acknowledgeStopped(String jobId) {
        try {
            client.acknowledge(jobId, null);
        } catch (PaddockClient.Retry | PaddockClient.LeaseLost | PaddockClient.JobFinal | PaddockClient.Refused e) {
            // listed again at the next heartbeat, and tried again then
        }
    }

    private void wakeHeartbeats() {
        synchronized (heartbeatWake) {
            heartbeatWake.notifyAll();
        }
    }

    private void signalled(Signal signal) {
        int count = signals.incrementAndGet();
        if (count == 1) {
            draining = true;
            AgentLog.info("SIG" + signal.getName() + ": draining — no new jobs; " + running.size()
                    + " running job(s) finish, then the agent exits (send it again to stop them)");
            Thread.ofPlatform().daemon().start(this::endTheLongPoll);
        } else if (count == 2) {
            AgentLog.info("SIG" + signal.getName() + " again: stopping " + running.size() + " running job(s)");
            running.values().forEach(execution -> execution.stop(JobExecution.Stop.AGENT_STOPPED));
            Thread.ofPlatform().daemon().start(() -> {
                sleep(STOP_WITHIN.minusSeconds(1));
                AgentLog.warn("jobs not reported within " + STOP_WITHIN.toSeconds() + " s; exiting");
                running.values().forEach(JobExecution::kill);
                Runtime.getRuntime().halt(0);
            });
        }
    }

    /**
     * The service goes on waiting for a long poll the agent gave up, and could hand it a job nobody
     * reads. A runner reported draining is given none, so: report draining first, give an answer
     * already on its way a moment to arrive, then end the poll.
     */
    private void endTheLongPoll() {
        try {
            sendHeartbeat();
        } catch (PaddockClient.Retry | PaddockClient.Refused | PaddockClient.TokenRefused e) {
            // the service is away: it hands out nothing either
        }
        sleep(Duration.ofMillis(500));
        Thread claiming = claimer;
        if (claiming != null) {
            claiming.interrupt();
        }
    }

    private boolean oneJob() {
        return settings.once() || ephemeral;
    }

    /**
     * The token is dead: nothing this agent does can be reported any more. Kills its jobs and
     * exits 3 — unless the runner ran its one job and is gone, as an ephemeral runner is once its
     * job's attempt ends (reported, or cancelled: then the job is stopped): then it exits 0.
     */
    private void tokenRefused() {
        if (goneAfterItsJob.get()) {
            return; // told already, by another of its threads
        }
        if (oneJob() && claimedOnce && (awaitOneJobReported() || ephemeral)) {
            if (goneAfterItsJob.compareAndSet(false, true)) {
                AgentLog.info("the runner is gone after its one job (an ephemeral runner): stopping");
                running.values().forEach(execution -> execution.stop(JobExecution.Stop.CANCELLED));
            }
            return; // the job thread ends, and run() returns 0
        }
        AgentLog.error("the service refused this runner's token (it was regenerated, or the runner was deleted): "
                + "stopping; install the runner again with a new token");
        running.values().forEach(execution -> {
            execution.stop(JobExecution.Stop.TOKEN_REFUSED);
            execution.kill();
        });
        Runtime.getRuntime().halt(EXIT_TOKEN_REFUSED);
    }

    /**
     * With --once: whether the one job's result was stored, waiting a moment for an answer under
     * way (an ephemeral runner is deleted as its result is stored, and a heartbeat can hear of it
     * before the result's own answer arrives); at once when no result is under way.
     */
    private boolean awaitOneJobReported() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            if (running.values().stream().allMatch(JobExecution::resultStored)) {
                return true;
            }
            if (running.values().stream().noneMatch(JobExecution::reportInFlight)) {
                return false;
            }
            sleep(Duration.ofMillis(50));
        }
        return false;
    }

    static String os() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return name.startsWith("mac") ? "darwin" : name.startsWith("windows") ? "windows" : name.replace(' ', '-');
    }

    static String arch() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.interrupted();
        }
    }
}
