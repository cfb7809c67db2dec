package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's log lines on their way to a service that is slow to take them: it answers 429, fails
 * with 503, or stores a batch and loses its answer. Against a stand-in for the service (on
 * loopback) that stores lines as Paddock does — a batch's lines numbered from its offset, those
 * already stored skipped — no line may be lost or stored twice, except when the service is down
 * long enough for the agent's bounded buffer to overflow, which the log then says.
 */
class LogShippingTest {

    @TempDir
    Path work;

    private HttpServer server;
    private final List<String> stored = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final AtomicInteger batches = new AtomicInteger();
    private volatile JsonNode report;

    /** The path the stand-in serves the service under (a proxy's prefix), given in the server URL. */
    private String prefix = "";

    /** What the stand-in answers to the n-th log batch (from 1): 200 stores it; "stored-503" stores it and answers 503. */
    private volatile IntFunction<String> logAnswers = n -> "200";

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRateLimitedServiceSlowsTheProgramDownAndLosesNoLine() throws Exception {
        logAnswers = n -> n % 20 == 3 ? "429" : "200";
        int lines = 25_000; // more than the buffer holds: while the service says 429 the program must wait
        run("i=1; while [ $i -le " + lines + " ]; do echo \"line $i\"; i=$((i+1)); done");
        assertThat(problems).isEmpty();
        assertThat(stored).hasSize(lines).containsExactlyElementsOf(expected(1, lines));
        assertThat(report.path("status").asText()).isEqualTo("success");
    }

    @Test
    void failedAndLostAnswersAreResentWithTheSameOffsetAndStoredOnce() throws Exception {
        logAnswers = n -> switch (n % 5) {
            case 1 -> "503";
            case 3 -> "stored-503";
            default -> "200";
        };
        run("i=1; while [ $i -le 500 ]; do echo \"line $i\"; i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.1; done; true");
        assertThat(problems).isEmpty();
        assertThat(stored).containsExactlyElementsOf(expected(1, 500));
        assertThat(batches.get()).as("the stand-in failed the 1st, 3rd and 6th batch").isGreaterThanOrEqualTo(6);
    }

    /**
     * AGENT.md: on a 5xx "the same batch is sent again ... so a line is never lost": a program
     * printing more than the buffer holds through a few seconds of 503s waits for room and loses
     * nothing (lines are dropped only after a minute of outage: LogBufferTest).
     */
    @Test
    void anOutageOfAFewSecondsLosesNoLineThoughTheProgramPrintsMoreThanTheBufferHolds() throws Exception {
        long outageUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        logAnswers = n -> System.nanoTime() < outageUntil ? "503" : "200";
        int lines = 15_000;
        run("i=1; while [ $i -le " + lines + " ]; do echo \"line $i\"; i=$((i+1)); done");
        assertThat(problems).isEmpty();
        assertThat(stored).containsExactlyElementsOf(expected(1, lines));
    }

    @Test
    void aServerUrlWithAPathKeepsItBeforeTheServicesRoutes() throws Exception {
        prefix = "/ci/paddock";
        run("echo behind a proxy");
        assertThat(problems).isEmpty();
        assertThat(stored).containsExactly("behind a proxy");
        assertThat(report.path("status").asText()).isEqualTo("success");
    }

    @Test
    @Timeout(60)
    void aProcessThatLeftTheJobsSessionIsStoppedWhenTheJobEnds() throws Exception {
        String marker = "4" + System.nanoTime() % 1000 + ".5";
        // a daemon of its own session, and an orphan of a group of its own: neither in the job's group
        assertThat(leftRunning("setsid sleep " + marker + " & (sleep " + marker + " & ) & echo started", marker))
                .as("processes of the job left running").isZero();
    }

    @Test
    @Timeout(60)
    void aProcessThatShedTheJobsMarkWithItsOutputDoesNotHoldTheJobOpen() throws Exception {
        String marker = "4" + System.nanoTime() % 1000 + ".6";
        assertThat(leftRunning("env -u " + ProcessGroup.TRACKING_VARIABLE + " setsid sleep " + marker + " & echo started", marker))
                .as("a daemon left running on purpose").isEqualTo(1);
    }

    /**
     * Runs a job whose script prints "started" and leaves sleepers with the marker behind: the job
     * ends promptly and succeeds; answers how many sleepers were still running then (all killed after).
     */
    private int leftRunning(String script, String marker) throws Exception {
        long started = System.nanoTime();
        try {
            run(script);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(report.path("status").asText()).isEqualTo("success");
            assertThat(stored).containsExactly("started");
            return withMarker(marker).size();
        } finally {
            withMarker(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<ProcessHandle> withMarker(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    private static List<String> expected(int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            lines.add("line " + i);
        }
        return lines;
    }

    /** Runs one job with this script against the stand-in, to its report. */
    private void run(String script) throws Exception {
        startServer();
        JsonNode job = PaddockClient.JSON.readTree("""
                {"id": "job-1", "attempt": 1, "lease_id": "lease-1", "type": "t", "timeout_seconds": 120,
                 "started_at": "2026-01-01T00:00:00Z", "lease_expires_at": "2026-01-01T00:02:00Z", "payload": {}}""");
        ((com.fasterxml.jackson.databind.node.ObjectNode) job.path("payload")).put("script", script);
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + (prefix.isEmpty() ? "/" : prefix));
        JobExecution.Context context = new JobExecution.Context(new PaddockClient(uri, "rn_test", "test"), work,
                Duration.ofMillis(20), Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), "rn_test",
                () -> problems.add("token refused"), () -> 1);
        new JobExecution(JobSpec.from(job), context).run();
    }

    private void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext(prefix + "/api/runners/jobs/job-1/status", exchange -> answer(exchange, 200, "{\"job\":{}}"));
        server.createContext(prefix + "/api/runners/jobs/job-1/result", exchange -> {
            report = PaddockClient.JSON.readTree(exchange.getRequestBody());
            answer(exchange, 200, "{\"job\":{}}");
        });
        server.createContext(prefix + "/api/runners/jobs/job-1/logs", this::logs);
        server.start();
    }

    private void logs(HttpExchange exchange) throws IOException {
        JsonNode batch = PaddockClient.JSON.readTree(exchange.getRequestBody());
        if (!"lease-1".equals(exchange.getRequestHeaders().getFirst("X-Lease-Id"))) {
            problems.add("a batch without the lease");
        }
        String answer = logAnswers.apply(batches.incrementAndGet());
        if (answer.equals("429")) {
            exchange.getResponseHeaders().add("Retry-After", "0");
            answer(exchange, 429, "{\"status\":429}");
            return;
        }
        if (answer.equals("503")) {
            answer(exchange, 503, "{\"status\":503}");
            return;
        }
        synchronized (stored) {
            long offset = batch.path("offset").asLong();
            if (offset > stored.size() + 1) {
                problems.add("offset " + offset + " after " + stored.size() + " lines: a gap");
            }
            int index = 0;
            for (JsonNode line : batch.path("lines")) {
                if (offset + index > stored.size()) {
                    stored.add(line.path("message").asText());
                }
                index++;
            }
        }
        answer(exchange, answer.equals("stored-503") ? 503 : 200, "{\"accepted\":1}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
