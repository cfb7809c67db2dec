package dev.paddock.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real paddock-agent, installed by the runner's install script from a running service and
 * started through the launcher the script wrote, as a separate OS process. Its own log (stderr and
 * stdout) goes to a file.
 */
public final class AgentProcess implements AutoCloseable {

    public final Process process;
    public final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs the runner's install script (fetched from {@code serverUrl}) with this PADDOCK_HOME; answers its output. */
    public static String install(String serverUrl, String runnerId, String token, Path home) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c",
                "curl -fsSL \"$SETUP_URL\" | sh -s").redirectErrorStream(true);
        builder.environment().put("SETUP_URL", serverUrl + "/api/runners/" + runnerId + "/setup?token=" + token);
        builder.environment().put("PADDOCK_HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process install = builder.start();
        String output = new String(install.getInputStream().readAllBytes());
        if (!install.waitFor(60, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IllegalStateException("install failed: " + output);
        }
        return output;
    }

    /** Starts {@code $home/bin/paddock-agent} with these arguments (and extra environment). */
    public static AgentProcess start(Path home, Map<String, String> environment, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/paddock-agent").toString());
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile("paddock-agent-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PADDOCK_HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        return new AgentProcess(builder.start(), log);
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(agent log not readable: " + e.getMessage() + ")";
        }
    }

    /** Sends a signal by name (TERM, INT, STOP, CONT) to the agent's process. */
    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** Waits for the agent to exit; answers its exit code, or fails the test with its log. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("agent still running after " + seconds + " s; its log:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
