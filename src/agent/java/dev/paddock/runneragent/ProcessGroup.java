package dev.paddock.runneragent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A job's program in a session and process group of its own (started through {@code setsid},
 * which makes the program the group's leader), so that everything it starts can be signalled at
 * once, and a signal sent to the agent's own group never reaches a job. Stopping it sends SIGTERM
 * to the whole group and to any descendant that left it, then SIGKILL after a grace period.
 */
final class ProcessGroup {

    /** Where the agent looks for setsid and kill: its PATH, then the usual system directories. */
    private static final String TOOLS_PATH = System.getenv().getOrDefault("PATH", "") + File.pathSeparator
            + String.join(File.pathSeparator, "/usr/bin", "/bin", "/usr/sbin", "/sbin");
    private static final Optional<String> SETSID = executable("setsid", TOOLS_PATH);
    private static final Optional<String> KILL = executable("kill", TOOLS_PATH);
    private static volatile boolean warned;

    private final Process process;
    private final boolean ownGroup;

    private ProcessGroup(Process process, boolean ownGroup) {
        this.process = process;
        this.ownGroup = ownGroup;
    }

    static ProcessGroup start(List<String> argv, Path directory, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        boolean ownGroup = SETSID.isPresent() && KILL.isPresent();
        if (ownGroup) {
            command.add(SETSID.get());
        } else if (!warned) {
            warned = true;
            AgentLog.warn("no setsid or kill on this machine: a job's processes are stopped one by one, not as a group");
        }
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ProcessGroup(builder.start(), ownGroup);
    }

    Process process() {
        return process;
    }

    /** SIGTERM to the group now, SIGKILL once {@code graceMillis} have passed while any of it lives. */
    void stop(long graceMillis) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        signal("TERM", descendants);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (System.nanoTime() < deadline && (process.isAlive() || groupAlive()
                || descendants.stream().anyMatch(ProcessHandle::isAlive))) {
            Thread.sleep(100);
        }
        kill();
    }

    /** SIGKILL to the group and whatever descends from its leader: nothing of the job survives. */
    void kill() {
        signal("KILL", process.descendants().toList());
    }

    /**
     * Signals through the process table, never through {@link Process#destroy}, which would also
     * close the program's output before the agent has read all of it.
     */
    private void signal(String signal, List<ProcessHandle> descendants) {
        boolean kill = signal.equals("KILL");
        if (ownGroup) {
            run(KILL.get(), "-s", signal, "--", "-" + process.pid());
        } else if (kill) {
            process.toHandle().destroyForcibly();
        } else {
            process.toHandle().destroy();
        }
        for (ProcessHandle child : descendants) {
            if (kill) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        }
    }

    /** Gives up on the program's output: a process that escaped its group still holds it open. */
    void closeOutput() {
        try {
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Whether any process of the group is left (its leader may have exited before its children). */
    boolean groupAlive() {
        return ownGroup && run(KILL.get(), "-s", "0", "--", "-" + process.pid()) == 0;
    }

    private static int run(String... command) {
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(5, TimeUnit.SECONDS) ? kill.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The program of that name on this PATH. */
    static Optional<String> executable(String name, String path) {
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
        }
        return Optional.empty();
    }
}
