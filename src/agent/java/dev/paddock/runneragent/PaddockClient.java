package dev.paddock.runneragent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical agent API as the agent calls it (the JDK's HTTP client, JSON by Jackson). Each
 * answer that is not a success becomes what the caller has to do about it: {@link TokenRefused}
 * (stop the agent), {@link Retry} (try the same request again later), {@link LeaseLost} (the job
 * belongs to someone else), {@link JobFinal} (the job was cancelled or timed out), or
 * {@link Refused} (the request itself was wrong).
 */
final class PaddockClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** 401: the token was regenerated or the runner deleted. Unchecked: it ends the agent from anywhere. */
    static final class TokenRefused extends RuntimeException {
        TokenRefused() {
            super("the service refused this runner's token (it was regenerated, or the runner was deleted)");
        }
    }

    /**
     * A network error, a 5xx or a 429: the same request may be sent again, not before
     * {@link #retryAfter}. {@link #unreachable} tells a service that is down or failing from one
     * that only asks the agent to slow down (429).
     */
    static final class Retry extends Exception {
        final Duration retryAfter;
        final boolean unreachable;

        Retry(String message, Duration retryAfter, boolean unreachable) {
            super(message);
            this.retryAfter = retryAfter;
            this.unreachable = unreachable;
        }
    }

    /** 409 lease-lost, or 404 on a job call: another runner (or nobody) holds the job now. */
    static final class LeaseLost extends Exception {
        LeaseLost(String message) {
            super(message);
        }
    }

    /** 409 on a job call: the job is final (cancelled, timed out, or already reported). */
    static final class JobFinal extends Exception {
        JobFinal(String message) {
            super(message);
        }
    }

    /** Any other 4xx: the request is wrong and sending it again will not help. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI server;
    private final String token;
    private final String userAgent;

    PaddockClient(URI server, String token, String version) {
        // the paths are the service's own from its root: a server URL with a path (a proxy's
        // prefix, e.g. https://ci.example.com/paddock) keeps it before them
        this.server = URI.create(server.toString().replaceAll("/+$", "") + "/");
        this.token = token;
        this.userAgent = "paddock-agent/" + version;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code runningJobIds}: the jobs this agent runs, so that the service renews those leases only. */
    record Heartbeat(String status, List<String> runningJobIds, String version, String os, String arch,
                     Map<String, Object> systemInfo) {
    }

    /** Sends a heartbeat; answers the ids of this runner's jobs that were cancelled or timed out. */
    List<String> heartbeat(Heartbeat heartbeat) throws Retry, Refused {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", heartbeat.status());
        body.put("active_jobs", heartbeat.runningJobIds().size());
        // a job this runner held before its agent restarted is not renewed: its lease runs out and it is requeued
        body.put("running_job_ids", heartbeat.runningJobIds());
        body.put("version", heartbeat.version());
        body.put("os", heartbeat.os());
        body.put("arch", heartbeat.arch());
        body.put("system_info", heartbeat.systemInfo());
        JsonNode answer = withoutJob(() -> send("POST", "/api/runners/heartbeat", write(body), null, CALL_TIMEOUT));
        List<String> cancelled = new ArrayList<>();
        answer.path("cancel_job_ids").forEach(id -> cancelled.add(id.asText()));
        return cancelled;
    }

    /** The runner describes itself (version, os, arch): a heartbeat's report does not carry os and arch. */
    JsonNode describe(String runnerId, String version, String os, String arch) throws Retry, Refused {
        byte[] body = write(Map.of("version", version, "os", os, "arch", arch));
        return withoutJob(() -> send("PATCH", "/api/runners/" + runnerId, body, null, CALL_TIMEOUT));
    }

    /** Waits up to {@code waitSeconds} for up to {@code limit} jobs; an empty list when none came. */
    List<JsonNode> claim(int limit, int waitSeconds) throws Retry, Refused {
        byte[] body = write(Map.of("limit", limit, "wait_seconds", waitSeconds));
        JsonNode answer = withoutJob(() -> send("POST", "/api/runners/jobs/claim", body, null,
                Duration.ofSeconds(waitSeconds + 30L)));
        List<JsonNode> jobs = new ArrayList<>();
        answer.path("jobs").forEach(jobs::add);
        return jobs;
    }

    void phase(JobSpec job, String phase) throws Retry, LeaseLost, JobFinal, Refused {
        send("POST", "/api/runners/jobs/" + job.id() + "/status",
                write(Map.of("status", "running", "phase", phase)), job.leaseId(), CALL_TIMEOUT);
    }

    Map<String, String> secrets(JobSpec job) throws Retry, LeaseLost, JobFinal, Refused {
        JsonNode answer = send("GET", "/api/runners/jobs/" + job.id() + "/secrets", null, job.leaseId(), CALL_TIMEOUT);
        Map<String, String> secrets = new LinkedHashMap<>();
        answer.path("secrets").properties().forEach(e -> secrets.put(e.getKey(), e.getValue().asText()));
        return secrets;
    }

    void logs(JobSpec job, LogBuffer.Batch batch) throws Retry, LeaseLost, JobFinal, Refused {
        send("POST", "/api/runners/jobs/" + job.id() + "/logs", write(batch), job.leaseId(), CALL_TIMEOUT);
    }

    void result(JobSpec job, Map<String, Object> report) throws Retry, LeaseLost, JobFinal, Refused {
        send("POST", "/api/runners/jobs/" + job.id() + "/result", write(report), job.leaseId(), CALL_TIMEOUT);
    }

    /** Asks for the job as its runner sees it: how a runner acknowledges that it stopped a cancelled job. */
    void acknowledge(String jobId, String leaseId) throws Retry, LeaseLost, JobFinal, Refused {
        send("GET", "/api/runners/jobs/" + jobId, null, leaseId, CALL_TIMEOUT);
    }

    /** Self-registration with a person's credential (an API key or a JWT): the answer has the runner and its token. */
    static JsonNode register(URI server, String credential, Map<String, Object> body, String version)
            throws Retry, Refused {
        PaddockClient client = new PaddockClient(server, credential, version);
        return withoutJob(() -> client.send("POST", "/api/runners/register", write(body), null, CALL_TIMEOUT,
                "Authorization", "Bearer " + credential));
    }

    private interface Call {
        JsonNode send() throws Retry, LeaseLost, JobFinal, Refused;
    }

    /** Calls that concern no job: a 409 or 404 there is a refusal like any other. */
    private static JsonNode withoutJob(Call call) throws Retry, Refused {
        try {
            return call.send();
        } catch (LeaseLost | JobFinal e) {
            throw new Refused(409, e.getMessage());
        }
    }

    private JsonNode send(String method, String path, byte[] body, String leaseId, Duration timeout)
            throws Retry, LeaseLost, JobFinal, Refused {
        return send(method, path, body, leaseId, timeout, "X-Runner-Token", token);
    }

    private JsonNode send(String method, String path, byte[] body, String leaseId, Duration timeout,
                          String credentialHeader, String credential) throws Retry, LeaseLost, JobFinal, Refused {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path.startsWith("/") ? path.substring(1) : path)).timeout(timeout)
                .header("User-Agent", userAgent).header("Accept", "application/json")
                .header(credentialHeader, credential)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (leaseId != null) {
            request.header("X-Lease-Id", leaseId);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Retry(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Retry("interrupted", null, false);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return status == 204 || response.body().length == 0 ? JSON.createObjectNode() : parse(response.body());
        }
        JsonNode problem = parse(response.body());
        String detail = problem.path("detail").asText(problem.path("title").asText("HTTP " + status));
        if (status == 401) {
            throw new TokenRefused();
        }
        if (status == 429 || status >= 500 || status == 408) {
            throw new Retry("HTTP " + status + " " + detail, retryAfter(response), status != 429);
        }
        if (status == 409 && problem.path("type").asText().endsWith("/lease-lost")) {
            throw new LeaseLost(detail);
        }
        if (status == 409) {
            throw new JobFinal(detail);
        }
        if (status == 404 && leaseId != null) {
            throw new LeaseLost(detail);
        }
        throw new Refused(status, "HTTP " + status + " " + detail + fieldErrors(problem));
    }

    private static String fieldErrors(JsonNode problem) {
        StringBuilder errors = new StringBuilder();
        problem.path("errors").forEach(e -> errors.append("; ").append(e.path("field").asText()).append(": ")
                .append(e.path("message").asText()));
        return errors.toString();
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofSeconds(Math.min(300, Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + value.getClass().getSimpleName(), e);
        }
    }

    /** A log batch written straight to bytes: a million lines should not become a million maps. */
    private static byte[] write(LogBuffer.Batch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + batch.lines().size() * 96);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("offset", batch.offset());
            json.writeArrayFieldStart("lines");
            Instant lastInstant = null;
            String lastTimestamp = null;
            for (LogBuffer.Line line : batch.lines()) {
                if (!line.timestamp().equals(lastInstant)) { // lines of one millisecond share their text
                    lastInstant = line.timestamp();
                    lastTimestamp = lastInstant.toString();
                }
                json.writeStartObject();
                json.writeStringField("timestamp", lastTimestamp);
                json.writeStringField("level", line.level());
                json.writeStringField("message", line.message());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("log batch not written", e);
        }
        return out.toByteArray();
    }
}
