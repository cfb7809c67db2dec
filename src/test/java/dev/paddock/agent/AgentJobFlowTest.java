package dev.paddock.agent;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * A job through the agent protocol and the dispatch core: claims by labels, priority and capacity,
 * the fenced lease, cancel and time-out reaching the runner, long polls, runner deletion and
 * registration, rate limits, and concurrent claims.
 */
@QuarkusTest
public class AgentJobFlowTest {
    @Test
    void claimMatchesLabelsPriorityAndAge() {
        Api api = Api.newTenant();
        Api.RunnerRef linux = api.onlineRunner(List.of("linux"), 5);
        String gpuJob = api.enqueue("t", List.of("linux", "gpu"));
        String low = api.enqueue(Map.of("type", "t", "labels", List.of("linux"), "priority", -5));
        String oldNormal = api.enqueue("t", List.of("linux"));
        String newNormal = api.enqueue("t", List.of());
        String high = api.enqueue(Map.of("type", "t", "labels", List.of("linux"), "priority", 50));
        Response response = Api.runner(linux.token()).body(Map.of("limit", 10)).post("/api/runners/jobs/claim")
                .then().statusCode(200).extract().response();
        List<String> ids = response.path("jobs.id");
        assertThat(ids).containsExactly(high, oldNormal, newNormal, low).doesNotContain(gpuJob);
        response.then().body("jobs[0].lease_id", notNullValue()).body("jobs[0].attempt", equalTo(1))
                .body("jobs[0].status", equalTo("running")).body("jobs[0].lease_expires_at", matchesPattern(".*Z$"));
        // another tenant's runner never sees this tenant's jobs
        Api other = Api.newTenant();
        Api.RunnerRef stranger = other.onlineRunner(List.of("linux", "gpu"), 5);
        Api.runner(stranger.token()).body(Map.of("limit", 10)).post("/api/runners/jobs/claim").then().statusCode(204);
    }

    @Test
    void claimRespectsMaxConcurrencyDrainAndLimits() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 2);
        for (int i = 0; i < 4; i++) {
            api.enqueue("t", List.of());
        }
        Api.runner(runner.token()).body(Map.of("limit", 50)).post("/api/runners/jobs/claim").then().statusCode(200)
                .body("jobs.size()", equalTo(2));
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        api.person().get("/api/runners/" + runner.id()).then().body("runner.active_jobs", equalTo(2))
                .body("runner.status", equalTo("busy"));
        Api.RunnerRef drained = api.onlineRunner(List.of(), 2);
        api.person().post("/api/runners/" + drained.id() + "/drain").then().statusCode(200);
        Api.runner(drained.token()).body(Map.of()).post("/api/runners/jobs/claim").then().statusCode(204);
        Api.runner(drained.token()).body(Map.of("limit", 0, "wait_seconds", 61)).post("/api/runners/jobs/claim")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("limit", "wait_seconds"));
        Api.runner(drained.token()).body(Map.of("limit", 51)).post("/api/runners/jobs/claim").then().statusCode(400);
    }

    @Test
    void fullLifecycleWithFencedLease() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String jobId = api.enqueue(Map.of("type", "code-review", "secrets", Map.of("TOKEN", "hunter2")));
        Map<String, Object> claimed = Api.claimOne(runner.token());
        String lease = (String) claimed.get("lease_id");
        String base = "/api/runners/jobs/" + jobId;

        Api.runner(runner.token()).body(Map.of("phase", "cloning", "progress", 10)).post(base + "/status")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"))
                .body("detail", containsString("X-Lease-Id"));
        Api.runner(runner.token()).header("X-Lease-Id", "00000000-0000-0000-0000-000000000000")
                .body(Map.of("progress", 10)).post(base + "/status").then().statusCode(409);
        // a value that is no lease id at all is a header that does not parse, as API.md has every header
        Api.runner(runner.token()).header("X-Lease-Id", "garbage").body(Map.of("progress", 10)).post(base + "/status")
                .then().statusCode(400).body("errors.field", contains("X-Lease-Id"));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "running", "phase", "cloning",
                "progress", 40)).post(base + "/status").then().statusCode(200)
                .body("job.phase", equalTo("cloning")).body("job.progress", equalTo(40));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("progress", 101, "phase", "x".repeat(33)))
                .post(base + "/status").then().statusCode(400).body("errors.field", containsInAnyOrder("progress", "phase"));

        Api.runner(runner.token()).header("X-Lease-Id", lease).get(base + "/secrets").then().statusCode(200)
                .body("secrets.TOKEN", equalTo("hunter2"));
        Api.runner(runner.token()).header("X-Lease-Id", lease)
                .body(Map.of("lines", List.of("cloning with hunter2", Map.of("level", "warn", "message", "slow",
                        "data", Map.of("key", "hunter2"))), "offset", 0))
                .post(base + "/logs").then().statusCode(200).body("accepted", equalTo(2)).body("next_offset", equalTo(2));
        // the same batch again is not stored twice
        Api.runner(runner.token()).header("X-Lease-Id", lease)
                .body(Map.of("lines", List.of("cloning with hunter2", Map.of("level", "warn", "message", "slow")), "offset", 0))
                .post(base + "/logs").then().statusCode(200).body("next_offset", equalTo(2));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of()))
                .post(base + "/logs").then().statusCode(400).body("errors.field", hasItem("lines"));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of(Map.of("level", "loud", "message", "x"))))
                .post(base + "/logs").then().statusCode(400).body("errors.field", hasItem("lines[0].level"));
        api.person().get("/api/jobs/" + jobId + "/logs").then().statusCode(200)
                .body("logs.size()", equalTo(2)).body("logs[0].message", equalTo("cloning with ***"))
                .body("logs[1].level", equalTo("warn")).body("logs[1].data.key", equalTo("***"))
                .body(not(containsString("hunter2")));

        Map<String, Object> report = Map.of("status", "success", "summary", "looks good", "quality_rating", "B",
                "issues", List.of(Map.of("severity", "warning", "type", "style", "file", "a.java", "line", 3,
                        "message", "long line")),
                "tokens_used", Map.of("input", 100, "output", 20), "metrics", Map.of("files", 3),
                "actions_taken", List.of("commented"), "files_reviewed", 3);
        // the report's nested parts are validated too, and a refused report changes nothing
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success",
                        "issues", List.of(Map.of("severity", "loud")), "tokens_used", Map.of("input", -1)))
                .post(base + "/result").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("issues[0].severity", "tokens_used.input"));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(report).post(base + "/result").then()
                .statusCode(200).body("job.status", equalTo("success")).body("job.issues_found", equalTo(1))
                .body("job.duration_ms", notNullValue());
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(report).post(base + "/result").then()
                .statusCode(200).body("job.status", equalTo("success"));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "failure")).post(base + "/result")
                .then().statusCode(409);
        Api.runner(runner.token()).header("X-Lease-Id", lease).get(base + "/secrets").then().statusCode(404);
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("progress", 1)).post(base + "/status")
                .then().statusCode(409);

        api.person().get("/api/jobs/" + jobId).then().statusCode(200)
                .body("job.runner.id", equalTo(runner.id())).body("job.summary", equalTo("looks good"))
                .body("job.quality_rating", equalTo("B")).body("job.tokens_used.input", equalTo(100))
                .body("job.issues[0].severity", equalTo("warning")).body("job.actions_taken", contains("commented"))
                .body("job.secret_names", contains("TOKEN")).body(not(containsString("hunter2")));
        api.person().get("/api/runners/" + runner.id()).then().body("runner.jobs_completed", equalTo(1))
                .body("runner.active_jobs", equalTo(0));
        api.person().get("/api/runners/" + runner.id() + "/jobs").then().body("jobs.id", contains(jobId));
    }

    /** The status's spellings are one report; an error in the final lines names the report's own field. */
    @Test
    void aFailedReportSentAgainAsFailureIsTheSameReportAndItsLinesAreNamedLogs() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        String base = "/api/runners/jobs/" + running.jobId();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failed", "error", "boom", "logs", List.of("fine", 5)))
                .post(base + "/result").then().statusCode(400).body("errors.field", contains("logs[1]"));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failed", "error", "boom")).post(base + "/result").then().statusCode(200)
                .body("job.status", equalTo("failure"));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failure", "error", "boom")).post(base + "/result").then().statusCode(200)
                .body("job.status", equalTo("failure"));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failure", "error", "another")).post(base + "/result").then().statusCode(409);
    }

    /**
     * A runner that says which jobs it still runs has those leases renewed only: a job it no longer
     * knows (its agent restarted) is left to its lease, and requeued when that runs out.
     */
    @Test
    void aHeartbeatListingTheJobsItRunsRenewsThoseLeasesOnly() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        String token = running.runner().token();
        String lease = leaseOf(api, running.jobId());
        Thread.sleep(20);
        Api.runner(token).body(Map.of("status", "online", "running_job_ids", List.of())).post("/api/runners/heartbeat")
                .then().statusCode(200);
        assertThat(leaseOf(api, running.jobId())).as("not renewed: the runner does not run it").isEqualTo(lease);
        Api.runner(token).body(Map.of("status", "online", "running_job_ids", List.of(running.jobId())))
                .post("/api/runners/heartbeat").then().statusCode(200);
        String renewed = leaseOf(api, running.jobId());
        assertThat(java.time.Instant.parse(renewed)).isAfter(java.time.Instant.parse(lease));
        Thread.sleep(20);
        Api.runner(token).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        assertThat(java.time.Instant.parse(leaseOf(api, running.jobId()))).as("renewed: the runner did not say")
                .isAfter(java.time.Instant.parse(renewed));
        Api.runner(token).body(Map.of("running_job_ids", List.of("not-a-uuid"))).post("/api/runners/heartbeat")
                .then().statusCode(400).body("errors.field", contains("running_job_ids[0]"));
        // a blank string reads as no id at all (found by FuzzTest: it failed the heartbeat's batch, a 503)
        Api.runner(token).body(Map.of("running_job_ids", List.of("\u000B"))).post("/api/runners/heartbeat")
                .then().statusCode(400).body("errors.field", contains("running_job_ids[0]"));
    }

    private static String leaseOf(Api api, String jobId) {
        return api.person().get("/api/jobs/" + jobId).then().statusCode(200).extract().path("job.lease_expires_at");
    }

    @Test
    void onlyTheHolderMayTouchAJob() {
        Api api = Api.newTenant();
        Api.RunnerRef holder = api.onlineRunner(List.of(), 1);
        Api.RunnerRef other = api.onlineRunner(List.of("x"), 1);
        String jobId = api.enqueue("t", List.of());
        String lease = (String) Api.claimOne(holder.token()).get("lease_id");
        Api.runner(other.token()).header("X-Lease-Id", lease).body(Map.of("progress", 5))
                .post("/api/runners/jobs/" + jobId + "/status").then().statusCode(404);
        Api.runner(other.token()).get("/api/runners/jobs/" + jobId).then().statusCode(404);
        Api.runner(holder.token()).get("/api/runners/jobs/" + jobId).then().statusCode(200)
                .body("job.status", equalTo("running")).body("job.lease_id", equalTo(lease));
    }

    @Test
    void cancelReachesTheRunnerAtHeartbeatAndJobCalls() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.RunnerRef runner = running.runner();
        String jobId = running.jobId();
        String lease = running.lease();
        api.person().body(Map.of("reason", "not needed")).post("/api/jobs/" + jobId + "/cancel").then().statusCode(200)
                .body("job.status", equalTo("cancelled")).body("job.cancel_reason", equalTo("not needed"))
                .body("job.cancelled_at", notNullValue());
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200)
                .body("cancel_job_ids", contains(jobId));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of("x")))
                .post("/api/runners/jobs/" + jobId + "/logs").then().statusCode(409);
        Api.runner(runner.token()).get("/api/runners/jobs/" + jobId).then().body("job.status", equalTo("cancelled"));
        api.person().post("/api/jobs/" + jobId + "/cancel").then().statusCode(409);
        // the runner has its capacity back
        String next = api.enqueue("t", List.of());
        assertThat(Api.claimOne(runner.token()).get("id")).isEqualTo(next);
    }

    @Test
    void deletingARunnerRequeuesItsJobsAndFencesIt() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.RunnerRef first = running.runner();
        String jobId = running.jobId();
        String lease = running.lease();
        Api.runner(first.token()).delete("/api/runners/" + first.id()).then().statusCode(204);
        api.person().get("/api/jobs/" + jobId).then().body("job.status", equalTo("queued"))
                .body("job.waiting.reason", notNullValue());
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        Map<String, Object> again = Api.claimOne(second.token());
        assertThat(again.get("id")).isEqualTo(jobId);
        assertThat(again.get("attempt")).isEqualTo(2);
        Api.runner(first.token()).header("X-Lease-Id", lease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + jobId + "/result").then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
    }

    @Test
    void longPollReturnsAsSoonAsAMatchingJobIsEnqueued() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        long start = System.nanoTime();
        CompletableFuture<Response> waiting = Background.call(() -> Api.runner(runner.token())
                .body(Map.of("wait_seconds", 20)).post("/api/runners/jobs/claim").andReturn());
        Thread.sleep(500);
        api.enqueue("t", List.of("gpu"));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        String jobId = api.enqueue("t", List.of("linux"));
        Response response = waiting.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((String) response.path("jobs[0].id")).isEqualTo(jobId);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    }

    /** A drained runner's long poll takes the job already waiting as soon as a person ends the drain. */
    @Test
    void aLongPollReturnsAsSoonAsItsRunnersDrainEnds() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("resumed"), 1);
        api.person().post("/api/runners/" + runner.id() + "/drain").then().statusCode(200);
        String jobId = api.enqueue("t", List.of("resumed"));
        long start = System.nanoTime();
        CompletableFuture<Response> waiting = Background.call(() -> Api.runner(runner.token())
                .body(Map.of("wait_seconds", 20)).post("/api/runners/jobs/claim").andReturn());
        Thread.sleep(800);
        assertThat(waiting).isNotDone();
        api.person().post("/api/runners/" + runner.id() + "/resume").then().statusCode(200);
        Response response = waiting.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((String) response.path("jobs[0].id")).isEqualTo(jobId);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    }

    /** A long poll whose agent went away (killed) claims nothing when a job comes: no attempt is spent on it. */
    @Test
    void aLongPollWhoseCallerHungUpClaimsNothing() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("gone"), 1);
        byte[] body = "{\"wait_seconds\": 20}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.getOutputStream().write(("POST /api/runners/jobs/claim HTTP/1.1\r\nHost: localhost\r\nX-Runner-Token: "
                    + runner.token() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            Thread.sleep(500); // the poll waits
        }
        Thread.sleep(300); // the service sees the connection closed
        String job = api.enqueue("t", List.of("gone"));
        Thread.sleep(1000);
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("queued")).body("job.attempt", equalTo(0));
        Map<String, Object> claimed = Api.claimOne(runner.token());
        assertThat(claimed.get("id")).isEqualTo(job);
        assertThat(claimed.get("attempt")).isEqualTo(1);
    }

    @Test
    void longPollTimesOutWith204() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        long start = System.nanoTime();
        Api.runner(runner.token()).body(Map.of("wait_seconds", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(900);
    }

    @Test
    void runningJobPastItsTimeoutBecomesTimeoutAndTheRunnerIsTold() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String jobId = api.enqueue(Map.of("type", "t", "timeout_seconds", 1));
        Api.claimOne(runner.token());
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/jobs/" + jobId).then()
                .body("job.status", equalTo("timeout")));
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then()
                .body("cancel_job_ids", contains(jobId));
    }

    @Test
    void agentRoutesAreRateLimitedPerToken() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        int limited = 0;
        for (int i = 0; i < 125; i++) {
            int status = Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").statusCode();
            if (status == 429) {
                limited++;
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(4);
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(429)
                .header("Retry-After", matchesPattern("\\d+")).contentType("application/problem+json");
    }

    @Test
    void registerUpsertsWithinTheTenantAndRefusesOtherTenantsIds() {
        Api api = Api.newTenant();
        String registerJwt = Tokens.person(api.tenant, "runners:register");
        String id = java.util.UUID.randomUUID().toString();
        Response created = given().auth().oauth2(registerJwt).contentType("application/json")
                .body(Map.of("id", id, "name", "agent-1", "labels", List.of("linux"), "version", "1.0.0"))
                .post("/api/runners/register").then().statusCode(201)
                .body("runner.id", equalTo(id)).body("token", matchesPattern("^rn_.{43}$")).extract().response();
        String firstToken = created.path("token");
        String secondToken = given().auth().oauth2(registerJwt).contentType("application/json")
                .body(Map.of("id", id, "name", "agent-1b", "version", "1.1.0")).post("/api/runners/register")
                .then().statusCode(200).body("runner.name", equalTo("agent-1b")).body("runner.labels", contains("linux"))
                .extract().path("token");
        Api.runner(firstToken).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401);
        Api.runner(secondToken).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        Api other = Api.newTenant();
        other.person().body(Map.of("id", id, "name", "hijack")).post("/api/runners/register").then().statusCode(409);
        api.person().get("/api/runners/" + id).then().body("runner.name", equalTo("agent-1b"));
        // headers instead of a body
        String headerId = java.util.UUID.randomUUID().toString();
        given().auth().oauth2(registerJwt).header("X-Runner-Id", headerId).header("X-Runner-Labels", "linux, arm64")
                .header("X-Runner-Max-Concurrency", "3").post("/api/runners/register").then().statusCode(201)
                .body("runner.name", equalTo(headerId)).body("runner.version", equalTo("unknown"))
                .body("runner.max_concurrency", equalTo(3)).body("runner.labels", contains("linux", "arm64"));
        // an invalid header is named as sent; the same value in the body is named as the body's field
        given().auth().oauth2(registerJwt).header("X-Runner-Max-Concurrency", "0").post("/api/runners/register")
                .then().statusCode(400).body("errors.field", contains("X-Runner-Max-Concurrency"));
        // every invalid header listed, those that do not parse with those out of range
        given().auth().oauth2(registerJwt).header("X-Runner-Labels", "Bad Label,ok").header("X-Runner-Name", "n".repeat(101))
                .header("X-Runner-Max-Concurrency", "0").post("/api/runners/register").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("X-Runner-Labels", "X-Runner-Name", "X-Runner-Max-Concurrency"));
        given().auth().oauth2(registerJwt).header("X-Runner-Id", "bad").header("X-Runner-Name", "n")
                .header("X-Runner-Max-Concurrency", "0").post("/api/runners/register").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("X-Runner-Id", "X-Runner-Max-Concurrency"));
        given().auth().oauth2(registerJwt).header("X-Runner-Max-Concurrency", "0").contentType("application/json")
                .body(Map.of("name", "n", "max_concurrency", 0)).post("/api/runners/register")
                .then().statusCode(400).body("errors.field", contains("max_concurrency"));
        // re-registering by headers alone keeps what the headers do not say
        given().auth().oauth2(registerJwt).header("X-Runner-Id", headerId).post("/api/runners/register").then()
                .statusCode(200).body("runner.max_concurrency", equalTo(3)).body("runner.labels", contains("linux", "arm64"));
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).contentType("application/json")
                .body(Map.of("name", "x")).post("/api/runners/register").then().statusCode(403);
    }

    @Test
    void concurrentClaimsNeverHandOneJobToTwoRunners() throws Exception {
        Api api = Api.newTenant();
        int jobs = 60;
        for (int i = 0; i < jobs; i++) {
            api.enqueue("t", List.of());
        }
        List<Api.RunnerRef> runners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runners.add(api.onlineRunner(List.of(), 100));
        }
        List<CompletableFuture<List<String>>> futures = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (Api.RunnerRef runner : runners) {
                futures.add(CompletableFuture.supplyAsync(() -> Api.claimUntilEmpty(runner.token(), null, 3), pool));
            }
            List<String> all = new ArrayList<>();
            for (CompletableFuture<List<String>> future : futures) {
                all.addAll(future.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        }
    }
}
