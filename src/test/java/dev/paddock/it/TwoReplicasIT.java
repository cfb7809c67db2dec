package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the packaged service on one database: the one the test framework started,
 * and a second process started here.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class TwoReplicasIT {

    static Replica second;

    @BeforeAll
    static void startSecondReplica() throws Exception {
        second = Replica.start(Map.of());
    }

    @AfterAll
    static void stopSecondReplica() throws Exception {
        second.close();
    }

    @Test
    void aLongPollOnOneReplicaWakesUpOnAnEnqueueOnTheOther() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        CompletableFuture<Response> waiting = Background.call(() -> Api.runner(runner.token())
                .baseUri(second.url()).body(Map.of("wait_seconds", 30)).post("/api/runners/jobs/claim").andReturn());
        Thread.sleep(1000);
        long enqueuedAt = System.nanoTime();
        String jobId = api.enqueue("t", List.of("linux"));
        Response response = waiting.get(20, TimeUnit.SECONDS);
        long wokeAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - enqueuedAt);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((String) response.path("jobs[0].id")).isEqualTo(jobId);
        assertThat(wokeAfterMs).as("wake-up across replicas").isLessThan(5000);
    }

    /**
     * The agents' rate limit (120 calls a minute per token) counts a runner's calls on both
     * replicas: those made on one are shared with the other within a second.
     */
    @Test
    void aRunnersCallsOnOneReplicaCountAgainstItsLimitOnTheOther() throws InterruptedException {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        for (int i = 0; i < 100; i++) {
            Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        }
        // counts are shared every 50 ms; calls made while waiting would count on their own
        Thread.sleep(1500);
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            if (Api.runner(runner.token()).baseUri(second.url()).body(Map.of())
                    .post("/api/runners/heartbeat").statusCode() == 429) {
                limited++;
            }
        }
        // 101 calls counted on the first replica leave 19 of 120 on the second
        assertThat(limited).isGreaterThanOrEqualTo(5);
    }

    /**
     * The outbox gap under load: writers on both replicas enqueue at once while a reader follows
     * the feed with next_after; it sees every job's event exactly once, in increasing sequence.
     */
    @Test
    void aReaderFollowingTheFeedSeesEveryEventOfConcurrentWritersOnTwoReplicasOnce() throws Exception {
        Api api = Api.newTenant();
        int perWriter = 40;
        List<CompletableFuture<List<String>>> writers = new java.util.ArrayList<>();
        for (String baseUri : List.of(second.url(), "")) {
            for (int w = 0; w < 2; w++) {
                writers.add(Background.call(() -> {
                    List<String> ids = new java.util.ArrayList<>();
                    for (int i = 0; i < perWriter; i++) {
                        var request = api.person();
                        if (!baseUri.isEmpty()) {
                            request = request.baseUri(baseUri);
                        }
                        ids.add(request.body(Map.of("type", "t")).post("/api/jobs").then().statusCode(201)
                                .extract().path("job.id"));
                    }
                    return ids;
                }));
            }
        }
        java.util.Set<String> enqueued = new java.util.HashSet<>();
        List<String> seen = new java.util.ArrayList<>();
        long after = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < 4 * perWriter && System.nanoTime() < deadline) {
            Response page = api.person().queryParam("after", after).queryParam("limit", 7).get("/api/events")
                    .then().statusCode(200).extract().response();
            List<String> sequences = page.path("events.sequence");
            for (String sequence : sequences) {
                assertThat(Long.parseLong(sequence)).isGreaterThan(after);
                after = Long.parseLong(sequence);
            }
            seen.addAll(page.path("events.subject"));
        }
        for (CompletableFuture<List<String>> writer : writers) {
            enqueued.addAll(writer.get(30, TimeUnit.SECONDS));
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new java.util.HashSet<>(seen)).isEqualTo(enqueued);
    }

    /** Both replicas send webhooks: 40 enqueues at once, on both, and each event arrives exactly once. */
    @Test
    void noEventIsDeliveredTwiceByTwoReplicas() throws Exception {
        try (dev.paddock.support.WebhookReceiver receiver = dev.paddock.support.WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String webhookId = api.person().body(Map.of("url", receiver.url(), "events", List.of("paddock.job.queued")))
                    .post("/api/webhooks").then().statusCode(201).extract().path("webhook.id");
            ExecutorService pool = Executors.newFixedThreadPool(40);
            List<CompletableFuture<String>> enqueues = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String baseUri = i % 2 == 0 ? second.url() : "";
                enqueues.add(CompletableFuture.supplyAsync(() -> {
                    var request = api.person();
                    if (!baseUri.isEmpty()) {
                        request = request.baseUri(baseUri);
                    }
                    return request.body(Map.of("type", "t")).post("/api/jobs").then().statusCode(201)
                            .extract().<String>path("job.id");
                }, pool));
            }
            java.util.Set<String> jobs = new java.util.HashSet<>();
            for (CompletableFuture<String> enqueue : enqueues) {
                jobs.add(enqueue.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            await().atMost(java.time.Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 40);
            Thread.sleep(1_500); // a second sender, if any, would have sent by now
            assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).doesNotHaveDuplicates().hasSize(40);
            assertThat(receiver.received()).extracting(r -> (String) io.restassured.path.json.JsonPath.from(r.body())
                    .get("subject")).containsExactlyInAnyOrderElementsOf(jobs);
            api.person().queryParam("limit", 200).get("/api/webhooks/" + webhookId + "/deliveries").then()
                    .body("total", org.hamcrest.Matchers.is(40))
                    .body("deliveries.attempts", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.is(1)));
        }
    }

    @Test
    void aTokenRegeneratedOrARunnerDeletedOnOneReplicaIsRefusedOnTheOther() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        Api.RunnerRef doomed = api.onlineRunner(List.of(), 1);
        // both tokens are now known to the second replica
        Api.runner(runner.token()).baseUri(second.url()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        Api.runner(doomed.token()).baseUri(second.url()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);

        String fresh = api.person().post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(200)
                .extract().path("token");
        api.person().delete("/api/runners/" + doomed.id()).then().statusCode(204);

        await().atMost(2, TimeUnit.SECONDS).untilAsserted(() -> {
            Api.runner(runner.token()).baseUri(second.url()).body(Map.of()).post("/api/runners/heartbeat")
                    .then().statusCode(401);
            Api.runner(doomed.token()).baseUri(second.url()).body(Map.of()).post("/api/runners/jobs/claim")
                    .then().statusCode(401);
        });
        Api.runner(fresh).baseUri(second.url()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
    }

    @Test
    void anApiKeyDeletedOnOneReplicaIsRefusedOnTheOtherAtOnce() {
        Api api = Api.newTenant();
        io.restassured.response.Response created = api.person()
                .body(Map.of("name", "bot", "scopes", List.of("jobs:read"))).post("/api/api-keys");
        String key = created.path("key");
        given().baseUri(second.url()).header("x-api-key", key).get("/api/jobs").then().statusCode(200);
        api.person().delete("/api/api-keys/" + created.path("api_key.id")).then().statusCode(204);
        given().baseUri(second.url()).header("x-api-key", key).get("/api/jobs").then().statusCode(401);
    }

    @Test
    void aRunnerRegisteredWithAKeyOnOneReplicaWorksThroughTheOther() {
        Api api = Api.newTenant();
        String key = api.person().body(Map.of("name", "fleet", "scopes", List.of("runners:register")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        String runner = java.util.UUID.randomUUID().toString();
        given().header("x-api-key", key).header("X-Runner-Id", runner).header("X-Runner-Tags", "review")
                .post("/api/runners/register").then().statusCode(201);
        String job = api.enqueue("code-review", List.of("review"));
        given().baseUri(second.url()).header("x-api-key", key)
                .get("/api/runners/tasks/pending?runnerId=" + runner).then().statusCode(200).body("[0].id", org.hamcrest.Matchers.equalTo(job));
        given().baseUri(second.url()).header("x-api-key", key).contentType("application/json")
                .body(Map.of("runnerId", runner, "status", "success")).post("/api/runners/tasks/" + job + "/result")
                .then().statusCode(200).body("job.status", org.hamcrest.Matchers.equalTo("success"));
        api.person().get("/api/jobs/" + job).then().body("job.status", org.hamcrest.Matchers.equalTo("success"));
    }

    /** A burst alternating between the replicas, as a load balancer spreads it, gets the limit, not more. */
    @Test
    void aBurstSpreadOverBothReplicasIsHeldToTheLimit() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("burst", List.of(), 1);
        int admitted = 0;
        for (int i = 0; i < 140; i++) {
            var call = Api.runner(runner.token()).body(Map.of());
            if (i % 2 == 1) {
                call = call.baseUri(second.url());
            }
            if (call.post("/api/runners/heartbeat").statusCode() == 200) {
                admitted++;
            }
        }
        // 120 a minute; a call crossing a NOTIFY on the wire may slip through
        assertThat(admitted).isBetween(118, 122);
    }

    @Test
    void theAgentRateLimitCountsCallsMadeOnEitherReplica() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("spread", List.of(), 1);
        for (int i = 0; i < 100; i++) {
            Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        }
        Thread.sleep(1500); // the first replica has shared its count by now
        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            if (Api.runner(runner.token()).baseUri(second.url()).body(Map.of()).post("/api/runners/heartbeat")
                    .statusCode() == 200) {
                admitted++;
            }
        }
        assertThat(admitted).as("calls the second replica admits after 100 on the first (limit 120 a minute)")
                .isEqualTo(20);
    }

    @Test
    void aLogStreamOnOneReplicaGetsLinesWrittenThroughTheOther() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.RunnerRef runner = running.runner();
        String job = running.jobId();
        String lease = running.lease();
        CompletableFuture<String> received = dev.paddock.support.LogStreamClient.open(second.url(), job, api.jwt, null);
        Thread.sleep(500);
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of("from the first replica")))
                .post("/api/runners/jobs/" + job + "/logs").then().statusCode(200);
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + job + "/result").then().statusCode(200);
        assertThat(received.get(15, TimeUnit.SECONDS)).contains("from the first replica").contains("event:end");
    }

    @Test
    void claimsOnBothReplicasNeverShareAJob() throws Exception {
        Api api = Api.newTenant();
        int jobs = 80;
        for (int i = 0; i < jobs; i++) {
            api.enqueue("t", List.of());
        }
        List<Api.RunnerRef> runners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runners.add(api.onlineRunner(List.of(), 100));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<List<String>>> futures = new ArrayList<>();
            for (int i = 0; i < runners.size(); i++) {
                Api.RunnerRef runner = runners.get(i);
                boolean onSecond = i % 2 == 0;
                futures.add(CompletableFuture.supplyAsync(
                        () -> Api.claimUntilEmpty(runner.token(), onSecond ? second.url() : null, 2), pool));
            }
            List<String> all = new ArrayList<>();
            for (CompletableFuture<List<String>> future : futures) {
                all.addAll(future.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
