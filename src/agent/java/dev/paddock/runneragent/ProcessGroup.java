package dev.paddock.runneragent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A job's program in a session and process group of its own (started through {@code setsid},
 * which makes the program the group's leader), so that everything it starts can be signalled at
 * once, and a signal sent to the agent's own group never reaches a job. Stopping it sends SIGTERM
 * to the whole group and to every process of the program that left it, then SIGKILL after a grace
 * period. A process that left the group and its parent (a daemon of its own session, an orphan of
 * another group) is found by the mark every process of the program inherits in its environment,
 * {@value #TRACKING_VARIABLE} (as GitHub's runner finds a job's orphans by theirs).
 */
final class ProcessGroup {

    /** The environment variable whose value is unique to one run of a program, read back from /proc. */
    static final String TRACKING_VARIABLE = "PADDOCK_JOB_TRACKING_ID";
    private static final Path PROC = Path.of("/proc");

    /** Where the agent looks for setsid and kill: its PATH, then the usual system directories. */
    private static final String TOOLS_PATH = System.getenv().getOrDefault("PATH", "") + File.pathSeparator
            + String.join(File.pathSeparator, "/usr/bin", "/bin", "/usr/sbin", "/sbin");
    private static final Optional<String> SETSID = executable("setsid", TOOLS_PATH);
    private static final Optional<String> KILL = executable("kill", TOOLS_PATH);
    private static volatile boolean warned;

    private final Process process;
    private final boolean ownGroup;
    /** {@code TRACKING_VARIABLE=value} as it stands in the environment of the program's processes. */
    private final String mark;

    private ProcessGroup(Process process, boolean ownGroup, String mark) {
        this.process = process;
        this.ownGroup = ownGroup;
        this.mark = mark;
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
        String tracking = UUID.randomUUID().toString();
        builder.environment().put(TRACKING_VARIABLE, tracking);
        return new ProcessGroup(builder.start(), ownGroup, TRACKING_VARIABLE + "=" + tracking);
    }

    Process process() {
        return process;
    }

    /** SIGTERM to the group now, SIGKILL once {@code graceMillis} have passed while any of it lives. */
    void stop(long graceMillis) throws InterruptedException {
        List<ProcessHandle> others = others();
        signal("TERM", others);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (System.nanoTime() < deadline && (process.isAlive() || groupAlive()
                || others.stream().anyMatch(ProcessHandle::isAlive))) {
            Thread.sleep(100);
        }
        kill();
    }

    /** SIGKILL to the group and every other process of the program: nothing of the job survives. */
    void kill() {
        signal("KILL", others());
    }

    /** Whether any process of the program is left: in its group, or escaped from it. */
    boolean anyAlive() {
        return process.isAlive() || groupAlive() || !escaped().isEmpty();
    }

    /** The program's processes besides its group as a whole: its leader's descendants and the escaped. */
    private List<ProcessHandle> others() {
        List<ProcessHandle> others = new ArrayList<>(process.descendants().toList());
        escaped().stream().filter(handle -> others.stream().noneMatch(known -> known.pid() == handle.pid())).forEach(others::add);
        return others;
    }

    /**
     * The live processes that carry the program's mark in their environment, wherever they moved
     * (read from /proc: on a system without it, none). Never the agent or the processes it runs
     * under, whose environment a job cannot have given them.
     */
    List<ProcessHandle> escaped() {
        if (!Files.isDirectory(PROC)) {
            return List.of();
        }
        ProcessHandle self = ProcessHandle.current();
        List<Long> spared = new ArrayList<>(List.of(self.pid()));
        for (ProcessHandle up = self.parent().orElse(null); up != null; up = up.parent().orElse(null)) {
            spared.add(up.pid());
        }
        byte[] wanted = ("\0" + mark + "\0").getBytes(StandardCharsets.UTF_8);
        return ProcessHandle.allProcesses().filter(handle -> !spared.contains(handle.pid()))
                .filter(handle -> carries(handle.pid(), wanted)).toList();
    }

    /** Whether the process's environment holds the entry (framed by NULs; its first entry has none before it). */
    private static boolean carries(long pid, byte[] framedEntry) {
        byte[] environment;
        try {
            environment = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or another user's: not a process this agent started
        }
        byte[] framed = new byte[environment.length + 2];
        System.arraycopy(environment, 0, framed, 1, environment.length);
        framed[framed.length - 1] = 0;
        return indexOf(framed, framedEntry) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
