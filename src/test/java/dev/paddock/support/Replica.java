package dev.paddock.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Another instance of the packaged service as a separate process on the same database: a second
 * replica, or a service to send SIGTERM to. The native executable is used when the ITs run
 * against it ({@code native.image.path}), else the JAR.
 */
public final class Replica implements AutoCloseable {

    public final int port;
    /** Health and metrics: the management interface, apart from the API port. */
    public final int managementPort;
    public final Process process;
    public final Path log;

    private Replica(int port, int managementPort, Process process, Path log) {
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    public static Replica start(Map<String, String> extra) throws IOException, InterruptedException {
        return start(extra, freePort());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** What a start that stopped by itself printed, and its exit code. */
    public record Exited(int code, String output) {
    }

    /**
     * The packaged service started with only {@code settings} (none of the tests' own), in an
     * environment without the variables it reads, expected to stop by itself within {@code within}.
     */
    public static Exited runUntilExit(Map<String, String> settings, Duration within) throws IOException, InterruptedException {
        Path log = Files.createTempFile("paddock-start-", ".log");
        Process process = startAlone(settings, log);
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after " + within + ": " + Files.readString(log));
        }
        return new Exited(process.exitValue(), Files.readString(log));
    }

    /**
     * What the packaged service, started as {@link #runUntilExit} does, printed until it logged that
     * it started, within {@code within}; it is stopped then. Fails when it stops or takes longer.
     */
    public static String runUntilStarted(Map<String, String> settings, Duration within) throws IOException, InterruptedException {
        Path log = Files.createTempFile("paddock-start-", ".log");
        Process process = startAlone(settings, log);
        try {
            long deadline = System.nanoTime() + within.toNanos();
            while (!Files.readString(log).contains(" started in ")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException((process.isAlive() ? "not started within " + within : "stopped")
                            + ": " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            return Files.readString(log);
        } finally {
            stop(process);
        }
    }

    private static Process startAlone(Map<String, String> settings, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(settings)).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("MP_JWT_")
                || name.startsWith("PADDOCK_"));
        return builder.start();
    }

    /** On a given port: a replica restarted where its clients expect it. */
    public static Replica start(Map<String, String> extra, int port) throws IOException, InterruptedException {
        Map<String, String> settings = new java.util.HashMap<>(PackagedAppResource.settings());
        settings.putAll(extra);
        settings.put("quarkus.http.port", Integer.toString(port));
        // the system may hand out the same free port twice in a row: both servers then bound it (the
        // management interface answered the API's requests with its 404 page, AgentIT in CI)
        int managementPort = freePort();
        while (managementPort == port) {
            managementPort = freePort();
        }
        settings.put("quarkus.management.port", Integer.toString(managementPort));
        Path log = Files.createTempFile("paddock-replica-", ".log");
        Process process = new ProcessBuilder(command(settings)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Replica replica = new Replica(port, managementPort, process, log);
        replica.awaitReady(Duration.ofSeconds(60));
        return replica;
    }

    /** The packaged service (the native executable when the ITs run against it) with {@code settings}. */
    private static List<String> command(Map<String, String> settings) {
        List<String> command = new ArrayList<>();
        String nativeImage = System.getProperty("native.image.path");
        boolean useNative = nativeImage != null && Files.isExecutable(Path.of(nativeImage))
                && "native".equals(System.getProperty("paddock.it.artifact", System.getenv("PADDOCK_IT_ARTIFACT")));
        if (useNative) {
            command.add(nativeImage);
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (!useNative) {
            command.add("-jar");
            command.add(Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString());
        }
        return command;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public int status(String path) {
        return statusOf(url() + path);
    }

    /** The status of a health probe (live, ready, started) on the replica's management interface. */
    public int health(String probe) {
        return statusOf("http://localhost:" + managementPort + "/q/health/" + probe);
    }

    private static int statusOf(String url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("replica exited: " + Files.readString(log));
            }
            if (health("ready") == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replica not ready in " + timeout + ": " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    /** SIGTERM, and SIGKILL if the process has not ended 30 s later. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
