package dev.paddock.feed;

import dev.paddock.db.Transactions;
import dev.paddock.dispatch.Job;
import dev.paddock.dispatch.JobClaims;
import dev.paddock.runner.RunnerStore;
import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.JobDrafts;
import dev.paddock.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

/** GET /api/events: a job's life as CloudEvents, in commit order, never skipping one. */
@QuarkusTest
class EventFeedTest {

    @Inject
    Transactions transactions;

    @TestHTTPResource("/")
    URL base;

    @Inject
    JobClaims claims;

    @Inject
    RunnerStore runners;

    @Test
    void aJobsLifeIsQueuedStartedFinishedWithTheJobAsItWasEachTime() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "success", "summary", "fine"))
                .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200);

        Response events = eventsOf(api, 3, "", "paddock.job.*");
        events.then().body("events.type", contains("paddock.job.queued", "paddock.job.started", "paddock.job.finished"))
                .body("events.subject", contains(running.jobId(), running.jobId(), running.jobId()))
                .body("events.data.job.status", contains("queued", "running", "success"))
                .body("events.data.reason", contains("enqueued", null, null))
                .body("events.data.previous_status", contains(null, "queued", "running"))
                .body("events[2].data.job.summary", equalTo("fine"))
                .body("events[0].specversion", equalTo("1.0"))
                .body("events[0].source", equalTo("paddock/" + api.tenant))
                .body("events[0].datacontenttype", equalTo("application/json"));
        List<String> sequences = events.path("events.sequence");
        assertThat(sequences.stream().map(Long::parseLong).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(events.<Number>path("next_after").longValue()).isEqualTo(Long.parseLong(sequences.get(2)));

        api.person().queryParam("type", "paddock.job.finished").get("/api/events").then().statusCode(200)
                .body("events.type", contains("paddock.job.finished"));
        api.person().queryParam("type", "paddock.job.*").queryParam("after", sequences.get(0))
                .queryParam("limit", 1).get("/api/events").then().statusCode(200)
                .body("events.type", contains("paddock.job.started"));
    }

    @Test
    void aRunnersLifeIsWrittenByTheChangesThemselves() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r1", List.of(), 1);
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        api.person().post("/api/runners/" + runner.id() + "/drain").then().statusCode(200);
        api.person().post("/api/runners/" + runner.id() + "/resume").then().statusCode(200);
        api.person().post("/api/runners/" + runner.id() + "/mark-offline").then().statusCode(200);
        api.person().post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(200);
        api.person().delete("/api/runners/" + runner.id()).then().statusCode(204);

        Response events = eventsOf(api, 7, "", "paddock.runner.*");
        events.then().body("events.type", contains("paddock.runner.created", "paddock.runner.online",
                        "paddock.runner.draining", "paddock.runner.online", "paddock.runner.offline",
                        "paddock.runner.token_regenerated", "paddock.runner.deleted"))
                .body("events.subject", contains(runner.id(), runner.id(), runner.id(), runner.id(), runner.id(),
                        runner.id(), runner.id()))
                .body("events.data.runner.status", contains("offline", "online", "draining", "online", "offline",
                        "offline", "offline"))
                .body("events.data.previous_status", contains(null, "offline", "online", "draining", "online",
                        null, null))
                .body("events[6].data.reason", equalTo("deleted"))
                .body("events.data.runner.token", contains(null, null, null, null, null, null, null));
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).get("/api/events").then().statusCode(200)
                .body("events", hasSize(0));
    }

    /** A heartbeat's report is the change: an offline runner reporting draining goes offline → draining, not by online. */
    @Test
    void aFirstHeartbeatReportingDrainingIsOneChangeFromOffline() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r1", List.of(), 1);
        Api.runner(runner.token()).body(Map.of("status", "draining")).post("/api/runners/heartbeat").then()
                .statusCode(200).body("status", equalTo("draining"));
        api.person().post("/api/runners/" + runner.id() + "/mark-offline").then().statusCode(200);
        Api.runner(runner.token()).body(Map.of("status", "offline")).post("/api/runners/heartbeat").then()
                .statusCode(200).body("status", equalTo("offline"));
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);

        Thread.sleep(500); // numbered every 100 ms: an extra event would be read too
        eventsOf(api, 4, "", "paddock.runner.*").then()
                .body("events.type", contains("paddock.runner.created", "paddock.runner.draining",
                        "paddock.runner.offline", "paddock.runner.online"))
                .body("events.data.previous_status", contains(null, "offline", "draining", "offline"));
    }

    /** A runner registering again is back online with a new token: both are announced, once. */
    @Test
    void aRunnerRegisteringAgainIsAnnouncedOnlineWithItsNewToken() throws Exception {
        Api api = Api.newTenant();
        String id = java.util.UUID.randomUUID().toString();
        api.person().body(Map.of("id", id, "name", "again")).post("/api/runners/register").then().statusCode(201);
        api.person().post("/api/runners/" + id + "/mark-offline").then().statusCode(200);
        api.person().body(Map.of("id", id, "name", "again")).post("/api/runners/register").then().statusCode(200)
                .body("runner.status", equalTo("online"));

        Thread.sleep(500); // numbered every 100 ms: an extra event would be read too
        // the last two are written by one statement, in either order
        eventsOf(api, 4, "", "paddock.runner.*").then()
                .body("events.type", org.hamcrest.Matchers.hasSize(4))
                .body("events.type", org.hamcrest.Matchers.containsInAnyOrder("paddock.runner.created",
                        "paddock.runner.offline", "paddock.runner.online", "paddock.runner.token_regenerated"))
                .body("events.type[0]", equalTo("paddock.runner.created"))
                .body("events.type[1]", equalTo("paddock.runner.offline"))
                .body("events.find { it.type == 'paddock.runner.online' }.data.previous_status", equalTo("offline"))
                .body("events.find { it.type == 'paddock.runner.online' }.data.runner.status", equalTo("online"));
    }

    @Test
    void aSilentRunnerMarkedOfflineBySweepIsAnnounced() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        Thread.sleep(20);
        // the sweep with a silence shorter than this runner's: every such runner of the database goes offline
        runners.markSilentOffline(Duration.ofMillis(10));
        Response events = eventsOf(api, 3, "", "paddock.runner.*");
        events.then().body("events.type", contains("paddock.runner.created", "paddock.runner.online",
                        "paddock.runner.offline"))
                .body("events[2].subject", equalTo(runner.id()))
                .body("events[2].data.previous_status", equalTo("online"))
                .body("events[2].data.runner.status", equalTo("offline"));
    }

    @Test
    void apiKeysCreatedAndRevokedAreTheTenantsAuditTrail() {
        String tenant = Tokens.newTenant();
        String manager = Tokens.person(tenant, "api-keys:manage jobs:read");
        String keyId = given().auth().oauth2(manager).contentType("application/json")
                .body(Map.of("name", "ci", "scopes", List.of("jobs:read"))).post("/api/api-keys")
                .then().statusCode(201).extract().path("api_key.id");
        given().auth().oauth2(manager).delete("/api/api-keys/" + keyId).then().statusCode(204);

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> given().auth().oauth2(manager)
                .queryParam("type", "paddock.api_key.*").get("/api/events").then().statusCode(200)
                .body("events.type", contains("paddock.api_key.created", "paddock.api_key.revoked"))
                .body("events.subject", contains(keyId, keyId))
                .body("events.data.api_key.name", contains("ci", "ci"))
                .body("events.data.api_key.scopes", contains(List.of("jobs:read"), List.of("jobs:read")))
                .body("events.data.key", contains(null, null)));
        given().auth().oauth2(Tokens.person(tenant, "jobs:read")).queryParam("type", "paddock.api_key.*")
                .get("/api/events").then().statusCode(200).body("events", hasSize(0));
    }

    @Test
    void aCallerSeesOnlyTheTypesItsScopesCover() {
        Api api = Api.newTenant();
        api.enqueue("t", List.of());
        eventsOf(api, 1, "");
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/api/events").then().statusCode(200)
                .body("events", hasSize(0));
        given().auth().oauth2(Tokens.person(api.tenant, "runners:register")).get("/api/events").then().statusCode(403);
        given().auth().oauth2(Tokens.person(Tokens.newTenant(), "jobs:read")).get("/api/events").then()
                .statusCode(200).body("events", hasSize(0));
    }

    @Test
    void badParametersAreNamed() {
        Api api = Api.newTenant();
        api.person().queryParam("after", "-1").queryParam("limit", 0).queryParam("type", "no spaces please")
                .get("/api/events").then().statusCode(400)
                .body("errors.field", hasItems("after", "limit", "type"));
    }

    /** The stream starts after the newest event, says each as it is numbered, and resumes after Last-Event-ID. */
    @Test
    void theStreamSaysEachEventLiveAndResumesAfterTheLastOneSeen() throws Exception {
        Api api = Api.newTenant();
        String before = api.enqueue("t", List.of());
        api.person().post("/api/jobs/" + before + "/cancel").then().statusCode(200);
        eventsOf(api, 2, "");
        HttpURLConnection live = openStream(api, null);
        CompletableFuture<String>[] received = new CompletableFuture[1];
        Api.RunningJob running = api.runningJob();
        received[0] = Background.call(() -> readUntil(live, "paddock.job.finished", running.jobId()));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failure", "error", "boom"))
                .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200);
        String stream = received[0].get(10, TimeUnit.SECONDS);
        assertThat(stream).doesNotContain(before).contains("event:paddock.job.queued", "event:paddock.job.started",
                "event:paddock.job.finished", "\"subject\":\"" + running.jobId() + "\"");
        assertThat(stream.indexOf("event:paddock.job.queued")).isLessThan(stream.indexOf("event:paddock.job.finished"));

        HttpURLConnection resumed = openStream(api, "0");
        String backlog = Background.call(() -> readUntil(resumed, "paddock.job.finished", running.jobId()))
                .get(10, TimeUnit.SECONDS);
        assertThat(backlog).contains(before, running.jobId());
    }

    /**
     * "After the newest event at the time of the request": one committed just before it and not yet
     * numbered (numbering runs every 100 ms) is not streamed.
     */
    @Test
    void theStreamLeavesOutEventsCommittedBeforeItsRequestThoughNotYetNumbered() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            Api api = Api.newTenant();
            String before = api.enqueue("t", List.of());
            HttpURLConnection live = openStream(api, null);
            String after = api.enqueue("t", List.of());
            String stream = Background.call(() -> readUntil(live, "paddock.job.queued", after)).get(10, TimeUnit.SECONDS);
            assertThat(stream).contains(after).doesNotContain(before);
        }
    }

    private HttpURLConnection openStream(Api api, String lastEventId) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(base.toString().replaceAll("/$", "")
                + "/api/events/stream?type=paddock.job.*").toURL().openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + api.jwt);
        connection.setRequestProperty("Accept", "text/event-stream");
        if (lastEventId != null) {
            connection.setRequestProperty("Last-Event-ID", lastEventId);
        }
        connection.setReadTimeout(10_000);
        assertThat(connection.getResponseCode()).isEqualTo(200);
        return connection;
    }

    /** The stream's text up to and including the first event of type {@code last} about {@code subject}. */
    private static String readUntil(HttpURLConnection connection, String last, String subject) {
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            boolean lastSeen = false;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                all.append(line).append('\n');
                if (line.startsWith("event:")) {
                    lastSeen = false;
                }
                if (line.startsWith("data:") && line.contains("\"type\":\"" + last + "\"")
                        && line.contains("\"subject\":\"" + subject + "\"")) {
                    lastSeen = true;
                } else if (lastSeen && line.isEmpty()) {
                    break;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            connection.disconnect();
        }
        return all.toString();
    }

    /**
     * The outbox gap: a transaction that wrote its event first but commits last must not be
     * skipped by a reader that already read past a later-written event.
     */
    @Test
    void anEventCommittedAfterALaterOneIsStillReadAfterIt() throws Exception {
        Api api = Api.newTenant();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Job> slow = CompletableFuture.supplyAsync(() -> transactions.inTransaction(() -> {
            Job job = claims.enqueue(JobDrafts.draft(api.tenant, "slow"));
            written.countDown();
            try {
                assertThat(commit.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return job;
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        String fast = api.enqueue("t", List.of());
        Response seen = eventsOf(api, 1, "");
        seen.then().body("events.subject", contains(fast));
        String after = seen.path("events[0].sequence");

        commit.countDown();
        String slowJob = slow.get(10, TimeUnit.SECONDS).id.toString();
        Response next = eventsOf(api, 1, after);
        next.then().body("events.subject", contains(slowJob)).body("events.data.reason", contains("enqueued"));
        assertThat(Long.parseLong(next.path("events[0].sequence"))).isGreaterThan(Long.parseLong(after));
    }

    /** The tenant's events after {@code after} once there are {@code count} of them (numbered within a second). */
    private static Response eventsOf(Api api, int count, String after) {
        return eventsOf(api, count, after, "paddock.*");
    }

    private static Response eventsOf(Api api, int count, String after, String type) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = api.person().queryParam("after", after.isEmpty() ? "0" : after).queryParam("type", type)
                    .get("/api/events").then().statusCode(200).extract().response();
            return last[0].<List<Object>>path("events").size() >= count;
        });
        return last[0];
    }
}
