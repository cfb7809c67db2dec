package dev.paddock.job;

import dev.paddock.support.Api;
import dev.paddock.support.LogStreamClient;
import dev.paddock.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
public class JobQueriesTest {

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void listFiltersAndPages() {
        Api api = Api.newTenant();
        String a = api.enqueue(Map.of("type", "review", "repository", "o/a", "pr_number", 1, "labels", List.of("linux")));
        String b = api.enqueue(Map.of("type", "scan", "repository", "o/b", "pr_number", 2, "labels", List.of("linux", "gpu")));
        String c = api.enqueue(Map.of("type", "review", "repository", "o/a", "pr_number", 3));
        api.person().get("/api/jobs").then().statusCode(200).body("total", equalTo(3)).body("jobs.id", contains(c, b, a));
        api.person().queryParam("type", "review").get("/api/jobs").then().body("jobs.id", contains(c, a));
        api.person().queryParam("repository", "o/b").get("/api/jobs").then().body("jobs.id", contains(b));
        api.person().queryParam("pr_number", 3).get("/api/jobs").then().body("jobs.id", contains(c));
        api.person().queryParam("label", "gpu").get("/api/jobs").then().body("jobs.id", contains(b));
        api.person().queryParam("status", "queued").queryParam("per_page", 2).queryParam("page", 2).get("/api/jobs")
                .then().body("jobs.id", contains(a)).body("page", equalTo(2)).body("per_page", equalTo(2));
        api.person().queryParam("since", "2000-01-01T00:00:00Z").queryParam("until", "2999-01-01T00:00:00Z")
                .get("/api/jobs").then().body("total", equalTo(3));
        api.person().queryParam("until", "2000-01-01T00:00:00Z").get("/api/jobs").then().body("total", equalTo(0));
        api.person().queryParam("since", "yesterday").queryParam("status", "done").queryParam("runner_id", "x")
                .queryParam("limit", 0).get("/api/jobs").then().statusCode(400)
                .body("errors.field", hasItems("since", "status", "runner_id", "limit"));
        Api.newTenant().person().get("/api/jobs/" + a).then().statusCode(404);
    }

    @Test
    void queuedJobExplainsWhyItWaits() {
        Api api = Api.newTenant();
        String job = api.enqueue("t", List.of("arm64"));
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("no_matching_runner"))
                // no runner yet: said as null, like every field without a value
                .body("job", org.hamcrest.Matchers.hasKey("runner")).body("job.runner", org.hamcrest.Matchers.nullValue())
                .body("job.waiting.matching_runners", equalTo(0)).body("job.waiting.queue_position", equalTo(1))
                .body("job.waiting.waited_ms", notNullValue());
        Api.RunnerRef runner = api.createRunner("r", List.of("arm64"), 1);
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("matching_runners_offline"))
                .body("job.waiting.matching_runners", equalTo(1));
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        api.person().post("/api/runners/" + runner.id() + "/drain").then().statusCode(200);
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("matching_runners_draining"));
        api.person().post("/api/runners/" + runner.id() + "/resume").then().statusCode(200);
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("next_in_line"));
        String urgent = api.enqueue(Map.of("type", "t", "labels", List.of("arm64"), "priority", 10));
        Map<String, Object> claimed = Api.claimOne(runner.token());
        assertThat(claimed.get("id")).isEqualTo(urgent);
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("matching_runners_busy"));
        // what the runner says it runs does not change what the service knows it holds: the waiting
        // reason, the available list and a claim all agree
        Api.runner(runner.token()).body(Map.of("status", "online", "active_jobs", 0)).post("/api/runners/heartbeat")
                .then().statusCode(200).body("status", equalTo("busy"));
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("matching_runners_busy"));
        api.person().get("/api/runners/available").then().body("total", equalTo(0));
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        Api.runner(runner.token()).header("X-Lease-Id", claimed.get("lease_id")).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + urgent + "/result").then().statusCode(200);
        api.person().get("/api/runners/available").then().body("runners.id", contains(runner.id()));
        api.person().get("/api/jobs/" + job).then().body("job.waiting.reason", equalTo("next_in_line"));
        String second = api.enqueue("t", List.of("arm64"));
        api.person().get("/api/jobs/" + second).then().body("job.waiting.reason", equalTo("next_in_line"))
                .body("job.waiting.queue_position", equalTo(2));
    }

    /**
     * An ephemeral runner that claimed its one job is busy for the jobs behind it (its status says
     * online, its slots are gone); a requeued job's earlier claim gives the queue no wait (it came out
     * negative: its queued_at is the requeue's).
     */
    @Test
    void anEphemeralRunnerWithItsJobIsBusyAndARequeueLeavesNoNegativeWait() {
        Api api = Api.newTenant();
        io.restassured.path.json.JsonPath created = new io.restassured.path.json.JsonPath(api.person()
                .body(Map.of("name", "pod", "labels", List.of("pods"), "ephemeral", true)).post("/api/runners")
                .then().statusCode(201).extract().asString());
        String token = created.getString("runner.token");
        String first = api.enqueue("t", List.of("pods"));
        String second = api.enqueue("t", List.of("pods"));
        assertThat(Api.claimOne(token).get("id")).isEqualTo(first);
        api.person().get("/api/jobs/" + second).then().body("job.waiting.reason", equalTo("matching_runners_busy"));
        api.person().get("/api/queue").then().body("queues[0].runners_busy", equalTo(1))
                .body("queues[0].runners_available", equalTo(0));

        Api.RunnerRef runner = api.onlineRunner(List.of("solo"), 1);
        String requeued = api.enqueue(Map.of("type", "t", "labels", List.of("solo"), "max_attempts", 2));
        assertThat(Api.claimOne(runner.token()).get("id")).isEqualTo(requeued);
        Api.runner(runner.token()).delete("/api/runners/" + runner.id()).then().statusCode(204);
        api.person().get("/api/jobs/" + requeued).then().body("job.status", equalTo("queued"));
        List<Map<String, Object>> queues = api.person().get("/api/queue").then().statusCode(200).extract().path("queues");
        Map<String, Object> solo = queues.stream().filter(q -> q.get("labels").equals(List.of("solo"))).findFirst().orElseThrow();
        assertThat(solo.get("wait_p50_ms")).isNull();
        assertThat(solo.get("wait_p95_ms")).isNull();
    }

    @Test
    void scopesAreEnforced() {
        Api api = Api.newTenant();
        String job = api.enqueue("t", List.of());
        String reader = Tokens.person(api.tenant, "jobs:read");
        given().auth().oauth2(reader).get("/api/jobs/" + job).then().statusCode(200);
        given().auth().oauth2(reader).post("/api/jobs/" + job + "/cancel").then().statusCode(403);
        given().auth().oauth2(reader).post("/api/jobs/" + job + "/retry").then().statusCode(403);
        given().auth().oauth2(reader).contentType("application/json").body(Map.of("type", "t")).post("/api/jobs")
                .then().statusCode(403);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:manage")).get("/api/jobs").then().statusCode(403);
        Api.RunnerRef runner = api.createRunner("r", List.of(), 1);
        given().header("X-Runner-Token", runner.token()).get("/api/jobs/" + job).then().statusCode(401);
    }

    @Test
    void logsFilterByLevelSequenceAndLimit() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.RunnerRef runner = running.runner();
        String job = running.jobId();
        String lease = running.lease();
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of(
                Map.of("level", "debug", "message", "d"), Map.of("level", "info", "message", "i"),
                Map.of("level", "warn", "message", "w"), Map.of("level", "error", "message", "e"))))
                .post("/api/runners/jobs/" + job + "/logs").then().statusCode(200).body("next_offset", equalTo(5));
        api.person().queryParam("after", 0).get("/api/jobs/" + job + "/logs").then()
                .body("logs.seq", contains(1, 2, 3, 4)).body("next_after", equalTo(4));
        api.person().queryParam("level", "warn").get("/api/jobs/" + job + "/logs").then()
                .body("logs.message", contains("w", "e")).body("job_id", equalTo(job));
        api.person().queryParam("after", 1).queryParam("limit", 1).get("/api/jobs/" + job + "/logs").then()
                .body("logs.seq", contains(2)).body("next_after", equalTo(2));
        api.person().queryParam("limit", 10001).queryParam("level", "loud").get("/api/jobs/" + job + "/logs").then()
                .statusCode(400).body("errors.field", hasItems("limit", "level"));
    }

    @Test
    void statsAreComputedForThePeriod() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 5);
        String ok = api.enqueue(Map.of("type", "review", "repository", "o/r"));
        String bad = api.enqueue(Map.of("type", "review", "repository", "o/r"));
        String cancelled = api.enqueue(Map.of("type", "scan"));
        api.person().post("/api/jobs/" + cancelled + "/cancel").then().statusCode(200);
        List<Map<String, Object>> claimed = Api.runner(runner.token()).body(Map.of("limit", 2))
                .post("/api/runners/jobs/claim").then().statusCode(200).extract().path("jobs");
        for (Map<String, Object> job : claimed) {
            boolean success = job.get("id").equals(ok);
            Api.runner(runner.token()).header("X-Lease-Id", job.get("lease_id"))
                    .body(success ? Map.of("status", "success", "issues", List.of(
                            Map.of("severity", "error", "message", "x"), Map.of("severity", "info", "message", "y")))
                            : Map.of("status", "failed", "error", "boom"))
                    .post("/api/runners/jobs/" + job.get("id") + "/result").then().statusCode(200);
        }
        api.person().get("/api/jobs/stats").then().statusCode(200).body("period", equalTo("week"))
                .body("stats.total_jobs", equalTo(3)).body("stats.successful", equalTo(1))
                .body("stats.failed", equalTo(1)).body("stats.cancelled", equalTo(1))
                .body("stats.timed_out", equalTo(0)).body("stats.success_rate", equalTo(0.3333f))
                .body("stats.total_issues_found", equalTo(2)).body("stats.issues_by_severity.error", equalTo(1))
                .body("stats.issues_by_severity.warning", equalTo(0)).body("stats.avg_duration_ms", notNullValue())
                .body("daily_breakdown[0].jobs", equalTo(3)).body("daily_breakdown[0].successful", equalTo(1));
        api.person().queryParam("period", "day").queryParam("type", "review").get("/api/jobs/stats").then()
                .body("period", equalTo("day")).body("stats.total_jobs", equalTo(2));
        api.person().queryParam("period", "year").get("/api/jobs/stats").then().statusCode(400)
                .body("errors.field", hasItem("period"));
        api.person().get("/api/jobs/" + bad).then().statusCode(200).body("job.error", equalTo("boom"));
    }

    @Test
    void queueGroupsByLabelSet() {
        Api api = Api.newTenant();
        api.onlineRunner(List.of("linux", "gpu"), 2);
        api.enqueue("t", List.of("gpu", "linux"));
        api.enqueue("t", List.of("linux", "gpu"));
        api.enqueue("t", List.of("windows"));
        api.person().get("/api/queue").then().statusCode(200)
                .body("queues.size()", equalTo(2))
                .body("queues.find { it.labels == ['gpu', 'linux'] }.queued", equalTo(2))
                .body("queues.find { it.labels == ['gpu', 'linux'] }.runners_available", equalTo(1))
                .body("queues.find { it.labels == ['windows'] }.runners_available", equalTo(0));
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/api/queue").then().statusCode(403);
    }

    @Test
    void theQueueSaysHowLongTheJobsClaimedInTheLastHourWaited() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("arm"), 5);
        api.enqueue("t", List.of("arm"));
        api.enqueue("t", List.of("never"));
        Thread.sleep(400);
        api.enqueue("t", List.of("arm"));
        Api.runner(runner.token()).body(Map.of("limit", 5)).post("/api/runners/jobs/claim").then().statusCode(200)
                .body("jobs.size()", equalTo(2));
        var queues = api.person().get("/api/queue").then().statusCode(200).extract().jsonPath();
        Map<String, Object> arm = queues.getMap("queues.find { it.labels == ['arm'] }");
        assertThat(arm).containsEntry("queued", 0).containsEntry("running", 2);
        assertThat(((Number) arm.get("wait_p95_ms")).longValue()).isGreaterThanOrEqualTo(400)
                .isGreaterThanOrEqualTo(((Number) arm.get("wait_p50_ms")).longValue());
        assertThat(((Number) arm.get("wait_p50_ms")).longValue()).isGreaterThanOrEqualTo(0);
        Map<String, Object> never = queues.getMap("queues.find { it.labels == ['never'] }");
        assertThat(never).containsEntry("queued", 1).containsEntry("wait_p50_ms", null).containsEntry("wait_p95_ms", null);
    }

    @Test
    void metricsExposeQueueGauges() {
        Api api = Api.newTenant();
        api.enqueue("t", List.of("metrics-probe"));
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(given().get(management + "metrics").then().statusCode(200).extract().asString())
                        .contains("paddock_queue_jobs_queued{labels=\"metrics-probe\"}"));
    }

    @Test
    void aStreamWithNothingToSendYetAnswersAtOnce() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        long began = System.nanoTime();
        // a running job without lines: the headers come now, not with the first line or keep-alive (15 s)
        CompletableFuture<String> received = LogStreamClient.open(base.toString(), running.jobId(), api.jwt, null);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease()).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200);
        assertThat(received.get(15, TimeUnit.SECONDS)).contains("lines after 0").contains("event:end");
    }

    @Test
    void streamSendsBacklogLiveLinesAndEnd() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.RunnerRef runner = running.runner();
        String job = running.jobId();
        String lease = running.lease();
        String logs = "/api/runners/jobs/" + job + "/logs";
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of("one", "two"))).post(logs)
                .then().statusCode(200);
        CompletableFuture<String> received = LogStreamClient.open(base.toString(), job, api.jwt, "1");
        Thread.sleep(500);
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of("three"))).post(logs)
                .then().statusCode(200);
        Thread.sleep(300);
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + job + "/result").then().statusCode(200);
        String all = received.get(15, TimeUnit.SECONDS);
        assertThat(all).doesNotContain("\"message\":\"one\"").contains("\"message\":\"two\"")
                .contains("\"message\":\"three\"").contains("id:2").contains("event:end")
                .doesNotContain("event:log");
    }
}
