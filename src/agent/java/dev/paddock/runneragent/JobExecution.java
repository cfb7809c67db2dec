package dev.paddock.runneragent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One claimed job attempt, from its first phase to its result: prepares a fresh work directory,
 * fetches the job's secrets, checks out its repository, runs its program in a process group of its
 * own with stdout as {@code info} and stderr as {@code warn} lines, and reports how it ended. A
 * second thread ships the log lines meanwhile ({@link LogBuffer}). {@link #stop} ends it early: the
 * process group gets SIGTERM, then SIGKILL {@link #STOP_GRACE_MILLIS} later.
 */
final class JobExecution {

    static final long STOP_GRACE_MILLIS = 10_000;

    /** Why a job ends before its program does. */
    enum Stop {
        CANCELLED, TIMED_OUT, LEASE_LOST, AGENT_STOPPED, TOKEN_REFUSED
    }

    /**
     * What the agent gives every job: its client, settings, environment, whom to tell of a refused
     * token, and how many jobs it runs now.
     */
    record Context(PaddockClient client, Path workDir, Duration logFlush, Map<String, String> agentEnvironment,
                   String token, Runnable tokenRefused, IntSupplier runningJobs) {
    }

    /**
     * How long a job's lines may wait before they are sent, with {@code running} jobs sending
     * theirs: {@code logFlush} for one job; with more, each waits longer, so that the runner's log
     * calls stay near 80 a minute (at the default 1 s) under the service's 120 a minute a runner
     * token, whatever its slots, and its heartbeats, claims and results keep room. A full batch
     * (200 lines) goes at once all the same.
     */
    static Duration flushInterval(Duration logFlush, int running) {
        Duration shared = logFlush.multipliedBy(3L * Math.max(1, running)).dividedBy(4);
        return shared.compareTo(logFlush) > 0 ? shared : logFlush;
    }

    private final JobSpec job;
    private final Context context;
    private final LogBuffer logs = new LogBuffer();
    private final long claimedAt = System.nanoTime();
    private final CountDownLatch shipped = new CountDownLatch(1);
    private volatile Stop stop;
    private volatile boolean resultSent;
    private volatile boolean resultStored;
    /** A call with the final report is on its way: its answer may still say it was stored. */
    private volatile boolean reportInFlight;
    /** When the agent stops, by when this job's last lines and report must be sent (System.nanoTime). */
    private volatile long stoppingUntil;
    private volatile long lastOutputAt = System.nanoTime();
    private volatile ProcessGroup running;

    JobExecution(JobSpec job, Context context) {
        this.job = job;
        this.context = context;
    }

    JobSpec job() {
        return job;
    }

    /** Runs the job to its end on the calling thread. */
    void run() {
        Thread.ofPlatform().name("logs-" + job.id()).daemon().start(this::shipLogs);
        Path directory = context.workDir().resolve(job.id() + "-" + job.attempt());
        try {
            execute(directory);
        } catch (PaddockClient.TokenRefused e) {
            stop(Stop.TOKEN_REFUSED);
            context.tokenRefused().run();
        } catch (IOException | RuntimeException e) {
            AgentLog.error("job " + job.id() + ": " + e);
            if (!resultSent && stop == null) {
                finishLogs();
                report("failure", "the agent could not run the job: " + e.getMessage(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Stop stopped = stop;
            if (!resultSent && (stopped == Stop.TIMED_OUT || stopped == Stop.AGENT_STOPPED)) {
                finishLogs(); // stopped before its program ran (preparing, secrets, checkout)
                reportStopped(stopped, null);
            }
            logs.close();
            ProcessGroup group = running;
            if (group != null) {
                group.kill(); // whatever the program left behind in its group
            }
            if (stopped == Stop.CANCELLED) {
                acknowledgeStop();
            }
            delete(directory);
        }
    }

    /** Whether the final report was answered: after it, the runner may be gone (an ephemeral one). */
    boolean resultStored() {
        return resultStored;
    }

    /** Whether a call with the final report awaits its answer. */
    boolean reportInFlight() {
        return reportInFlight;
    }

    private void execute(Path directory) throws IOException, InterruptedException {
        AgentLog.info("job " + job.id() + " attempt " + job.attempt() + " claimed");
        if (job.invalid() != null) {
            AgentLog.warn("job " + job.id() + ": " + job.invalid());
            report("failure", job.invalid(), null);
            return;
        }
        if (!phase("preparing")) {
            return;
        }
        delete(directory);
        Files.createDirectories(directory);
        Map<String, String> secrets = job.secretNames().isEmpty() ? Map.of() : secrets();
        if (secrets == null) {
            return;
        }
        Map<String, String> environment = JobEnvironment.of(context.agentEnvironment(), context.token(), job, secrets);
        environment.put("PWD", directory.toString());
        if (job.clones()) {
            if (!phase("cloning")) {
                return;
            }
            String failed = checkout(directory, environment);
            if (failed != null || stop != null) {
                finishLogs();
                if (failed != null && stop == null) {
                    report("failure", failed, null);
                }
                return;
            }
        }
        if (!phase("running")) {
            return;
        }
        long started = System.nanoTime();
        int exitCode = runProgram(job.argv(), directory, environment, "info", "warn");
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        finishLogs();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("exit_code", exitCode);
        result.put("duration_ms", durationMs);
        String signal = ExitStatus.signal(exitCode);
        if (signal != null) {
            result.put("signal", signal);
        }
        Stop stopped = stop;
        if (stopped == null) {
            report(exitCode == 0 ? "success" : "failure", ExitStatus.error(exitCode), result);
        } else if (stopped == Stop.TIMED_OUT || stopped == Stop.AGENT_STOPPED) {
            reportStopped(stopped, result);
        } else {
            AgentLog.info("job " + job.id() + " stopped (" + stopped.name().toLowerCase().replace('_', ' ') + ")");
        }
    }

    private void reportStopped(Stop stopped, Map<String, Object> result) {
        report("failure", stopped == Stop.TIMED_OUT ? "timed out after " + job.timeoutSeconds() + " s" : "agent stopped", result);
    }

    /** Tells the service the cancelled job was stopped, so heartbeats stop listing it. */
    private void acknowledgeStop() {
        try {
            context.client().acknowledge(job.id(), job.leaseId());
        } catch (PaddockClient.Retry | PaddockClient.LeaseLost | PaddockClient.JobFinal | PaddockClient.Refused
                 | PaddockClient.TokenRefused e) {
            // the next heartbeat lists the job again, and this runner no longer knows it: nothing lost
        }
    }

    /** Stops the job for this reason (the first reason given wins). Safe from any thread. */
    void stop(Stop reason) {
        synchronized (this) {
            if (stop != null) {
                return;
            }
            stop = reason;
        }
        if (reason == Stop.AGENT_STOPPED) {
            stoppingUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS + 2_000);
        }
        AgentLog.info("job " + job.id() + ": stopping (" + reason.name().toLowerCase().replace('_', ' ') + ")");
        if (reason != Stop.TIMED_OUT && reason != Stop.AGENT_STOPPED) {
            logs.abandon(); // the job is no longer ours to write to
        }
        ProcessGroup group = running;
        if (group != null) {
            Thread.ofPlatform().daemon().start(() -> stopGroup(group));
        }
    }

    /** SIGKILL to the job's processes now, for an agent that exits at once. */
    void kill() {
        ProcessGroup group = running;
        if (group != null) {
            group.kill();
        }
    }

    private static void stopGroup(ProcessGroup group) {
        try {
            group.stop(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            group.kill();
        }
    }

    /** The deadline of the job's {@code timeout_seconds}, counted from its claim. */
    private long remainingNanos() {
        return claimedAt + TimeUnit.SECONDS.toNanos(job.timeoutSeconds()) - System.nanoTime();
    }

    /** Runs a program of the job to its end (or its stop); its output goes to the log at these levels. */
    private int runProgram(List<String> argv, Path directory, Map<String, String> environment, String outLevel,
                           String errLevel) throws IOException, InterruptedException {
        ProcessGroup group = ProcessGroup.start(argv, directory, environment);
        running = group;
        if (stop == Stop.TOKEN_REFUSED) {
            group.kill(); // the agent is exiting at once
        } else if (stop != null) {
            Thread.ofPlatform().daemon().start(() -> stopGroup(group));
        }
        Process process = group.process();
        Thread out = Thread.ofPlatform().daemon().name("stdout-" + job.id()).start(() -> read(process.getInputStream(), outLevel));
        Thread err = Thread.ofPlatform().daemon().name("stderr-" + job.id()).start(() -> read(process.getErrorStream(), errLevel));
        long left = remainingNanos();
        if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
            stop(Stop.TIMED_OUT);
            process.waitFor();
        }
        int exitCode = process.exitValue();
        awaitOutput(group, out, err);
        return exitCode;
    }

    /**
     * Reads the program's output to its end once the program exited: all of it, however long the
     * service takes the lines. Processes the program left behind that hold the output open (in its
     * group, or escaped from it with its mark) are stopped. One that shed the mark is given up on
     * once nothing more comes, or at the job's timeout: its readers are left behind, not waited for.
     */
    private void awaitOutput(ProcessGroup group, Thread out, Thread err) throws InterruptedException {
        out.join(300);
        err.join(300);
        if (!out.isAlive() && !err.isAlive()) {
            return;
        }
        if (group.anyAlive()) {
            group.stop(2_000);
        }
        while (out.isAlive() || err.isAlive()) {
            out.join(1000);
            err.join(1000);
            boolean quiet = System.nanoTime() - lastOutputAt > TimeUnit.SECONDS.toNanos(5) && logs.waiting() == 0;
            if ((out.isAlive() || err.isAlive()) && (quiet || remainingNanos() <= 0 || stop != null)) {
                AgentLog.warn("job " + job.id() + ": a process that is no longer the job's holds its output open; not waiting for it");
                group.closeOutput();
                return;
            }
        }
    }

    private void read(InputStream stream, String level) {
        try (stream) {
            new LineSplitter(line -> {
                try {
                    lastOutputAt = System.nanoTime();
                    logs.add(level, line);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException(new IOException("interrupted"));
                }
            }).drain(stream);
        } catch (IOException | UncheckedIOException e) {
            // the stream closed: the program is gone
        }
    }

    /** Clones the job's repository into its directory; null when done, else the error to fail with. */
    private String checkout(Path directory, Map<String, String> environment) throws IOException, InterruptedException {
        Map<String, String> gitEnvironment = new LinkedHashMap<>(environment);
        gitEnvironment.put("GIT_TERMINAL_PROMPT", "0");
        List<String> clone = new ArrayList<>(List.of("git", "clone", "--no-progress"));
        if (job.branch() != null && !job.branch().isBlank()) {
            clone.addAll(List.of("--branch", job.branch()));
        }
        clone.addAll(List.of("--", job.repositoryUrl(), "."));
        if (ProcessGroup.executable("git", environment.get("PATH")).isEmpty()) {
            return "checkout failed: git is not installed on this runner (the job names a repository_url)";
        }
        logs.add("debug", "$ git clone " + (job.branch() == null ? "" : "--branch " + job.branch() + " ")
                + withoutCredentials(job.repositoryUrl()));
        int exit = runProgram(clone, directory, gitEnvironment, "debug", "debug");
        running.kill(); // what git left behind (a credential cache daemon) goes with it
        if (exit != 0) {
            return "checkout failed: git clone exited with " + exit;
        }
        if (job.commitSha() != null && !job.commitSha().isBlank() && stop == null) {
            logs.add("debug", "$ git checkout " + job.commitSha());
            exit = runProgram(List.of("git", "-c", "advice.detachedHead=false", "checkout", "--quiet", job.commitSha(), "--"),
                    directory, gitEnvironment, "debug", "debug");
            running.kill();
            if (exit != 0) {
                return "checkout failed: git checkout " + job.commitSha() + " exited with " + exit;
            }
        }
        return null;
    }

    /** A URL as it may be shown: without a {@code user:password@} part. */
    static String withoutCredentials(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    /**
     * A job call answered that the job is not this runner's to run any more: another runner holds
     * it (lease-lost, 404), or it is final (cancelled, timed out).
     */
    private void noLongerOurs(Exception answer) {
        stop(answer instanceof PaddockClient.LeaseLost ? Stop.LEASE_LOST : Stop.CANCELLED);
    }

    /** Reports a phase; false when the job must not go on (it is final, or someone else's now). */
    private boolean phase(String phase) throws InterruptedException {
        Backoff backoff = new Backoff();
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stop == null) {
            try {
                context.client().phase(job, phase);
                return true;
            } catch (PaddockClient.Retry e) {
                if (System.nanoTime() > giveUpAt) {
                    AgentLog.warn("job " + job.id() + ": phase " + phase + " not reported (" + e.getMessage() + "); going on");
                    return true; // the heartbeats keep the lease; a phase is not worth stalling the job
                }
                Thread.sleep(backoff.next(e.retryAfter).toMillis());
            } catch (PaddockClient.LeaseLost | PaddockClient.JobFinal e) {
                noLongerOurs(e);
            } catch (PaddockClient.Refused e) {
                AgentLog.warn("job " + job.id() + ": phase " + phase + " refused: " + e.getMessage());
                return true;
            }
        }
        return false;
    }

    /** The job's secrets, or null when the job must not go on. */
    private Map<String, String> secrets() throws InterruptedException {
        Backoff backoff = new Backoff();
        while (stop == null) {
            if (remainingNanos() <= 0) {
                stop(Stop.TIMED_OUT);
                return null;
            }
            try {
                return context.client().secrets(job);
            } catch (PaddockClient.Retry e) {
                Thread.sleep(backoff.next(e.retryAfter).toMillis());
            } catch (PaddockClient.LeaseLost | PaddockClient.JobFinal e) {
                noLongerOurs(e);
            } catch (PaddockClient.Refused e) {
                finishLogs();
                report("failure", "the job's secrets could not be fetched: " + e.getMessage(), null);
                return null;
            }
        }
        return null;
    }

    /** Sends the final report until the service has it, or the job is no longer this runner's. */
    private void report(String status, String error, Map<String, Object> result) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", status);
        if (error != null) {
            report.put("error", error);
        }
        if (result != null) {
            report.put("result", result);
        }
        resultSent = true;
        Backoff backoff = new Backoff();
        while (true) {
            try {
                reportInFlight = true;
                context.client().result(job, report);
                resultStored = true;
                AgentLog.info("job " + job.id() + " reported: " + status + (error == null ? "" : " (" + error + ")"));
                return;
            } catch (PaddockClient.Retry e) {
                if (stop == Stop.AGENT_STOPPED && System.nanoTime() > stoppingUntil) {
                    AgentLog.warn("job " + job.id() + ": result not stored (" + e.getMessage() + "); the agent exits");
                    return;
                }
                AgentLog.warn("job " + job.id() + ": result not stored yet (" + e.getMessage() + "); trying again");
                try {
                    Thread.sleep(backoff.next(e.retryAfter).toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (PaddockClient.LeaseLost | PaddockClient.JobFinal e) {
                resultStored = true; // settled: the job is final, or no longer this runner's
                AgentLog.info("job " + job.id() + ": result not taken (" + e.getMessage() + ")");
                return;
            } catch (PaddockClient.Refused e) {
                AgentLog.error("job " + job.id() + ": result refused: " + e.getMessage());
                return;
            } finally {
                reportInFlight = false;
            }
        }
    }

    /** No more lines: waits until every line was sent (or the job was abandoned). */
    private void finishLogs() {
        logs.close();
        try {
            if (stop == Stop.AGENT_STOPPED) {
                if (!shipped.await(Math.max(0, stoppingUntil - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    logs.abandon(); // the agent exits: what is not sent by now is not sent
                }
            } else {
                shipped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The log shipper's loop: each batch until the service stored it, in order. */
    private void shipLogs() {
        Backoff backoff = new Backoff();
        boolean failing = false;
        try {
            LogBuffer.Batch batch;
            while ((batch = logs.next(flushInterval(context.logFlush(), context.runningJobs().getAsInt()))) != null) {
                try {
                    context.client().logs(job, batch);
                    logs.acknowledged();
                    backoff.reset();
                    if (failing) {
                        AgentLog.info("job " + job.id() + ": log lines are being stored again");
                        failing = false;
                    }
                } catch (PaddockClient.Retry e) {
                    if (e.unreachable) {
                        logs.failing(); // lines are dropped only once this lasts (a 429 only slows the program down)
                    }
                    if (!failing) {
                        AgentLog.warn("job " + job.id() + ": log lines not stored (" + e.getMessage() + "); keeping them and trying again");
                        failing = true;
                    }
                    Thread.sleep(backoff.next(e.retryAfter).toMillis());
                } catch (PaddockClient.LeaseLost | PaddockClient.JobFinal e) {
                    noLongerOurs(e);
                    logs.abandon(); // whatever stopped it first, the service takes no more lines
                } catch (PaddockClient.Refused e) {
                    AgentLog.error("job " + job.id() + ": a log batch was refused and is dropped: " + e.getMessage());
                    logs.acknowledged();
                } catch (PaddockClient.TokenRefused e) {
                    stop(Stop.TOKEN_REFUSED);
                    context.tokenRefused().run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shipped.countDown();
        }
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            AgentLog.warn("work directory " + directory + " not removed: " + e.getMessage());
        }
    }
}
