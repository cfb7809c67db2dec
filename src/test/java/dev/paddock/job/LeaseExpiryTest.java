package dev.paddock.job;

import dev.paddock.support.Api;
import dev.paddock.support.LogStreamClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Leases and silence with durations shortened by configuration, not by sleeping for minutes. */
@QuarkusTest
@TestProfile(LeaseExpiryTest.ShortLeases.class)
public class LeaseExpiryTest {

    @TestHTTPResource("/")
    URL base;

    public static class ShortLeases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paddock.jobs.lease", "1s", "paddock.jobs.sweep-interval", "200ms",
                    "paddock.runners.offline-after", "2s");
        }
    }

    @Test
    void expiredLeaseRequeuesThenFailsWhenAttemptsRunOut() {
        Api api = Api.newTenant();
        Api.RunnerRef first = api.onlineRunner(List.of(), 1);
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        String job = api.enqueue(Map.of("type", "t", "max_attempts", 2));
        String staleLease = (String) Api.claimOne(first.token()).get("lease_id");
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/jobs/" + job).then()
                .body("job.status", equalTo("queued")).body("job.attempt", equalTo(1))
                .body("job.started_at", org.hamcrest.Matchers.nullValue())); // queued again: not started
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().queryParam("type", "paddock.job.queued")
                .get("/api/events").then().statusCode(200)
                .body("events.find { it.data.reason == 'lease_expired' }.data.previous_status", equalTo("running")));
        Map<String, Object> again = Api.claimOne(second.token());
        assertThat(again.get("attempt")).isEqualTo(2);
        String secondLease = (String) again.get("lease_id");
        // the presumed-dead runner cannot overwrite the new attempt
        Api.runner(first.token()).header("X-Lease-Id", staleLease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + job + "/result").then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/jobs/" + job).then()
                .body("job.status", equalTo("failure")).body("job.error", equalTo("lease expired")));
        // out of attempts: the last holder's lease is gone too
        Api.runner(second.token()).header("X-Lease-Id", secondLease).body(Map.of("lines", List.of("late")))
                .post("/api/runners/jobs/" + job + "/logs").then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
    }

    /** An ephemeral runner's one attempt ends when its lease is lost: the job is requeued and the runner deleted. */
    @Test
    void anEphemeralRunnerWhoseLeaseIsLostIsDeleted() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = dev.paddock.fleet.EphemeralRunnerTest.ephemeralRunner(api, "vanishing");
        String job = api.enqueue(Map.of("type", "t", "max_attempts", 2));
        Api.claimOne(runner.token());
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/jobs/" + job).then()
                .body("job.status", equalTo("queued")));
        api.person().get("/api/runners/" + runner.id()).then().statusCode(404);
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/jobs/claim").then().statusCode(401);
    }

    @Test
    void aRequeuedJobsNextAttemptKeepsItsOwnLogLines() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef first = api.onlineRunner(List.of(), 1);
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        String job = api.enqueue(Map.of("type", "t", "max_attempts", 2));
        String logs = "/api/runners/jobs/" + job + "/logs";
        String firstLease = (String) Api.claimOne(first.token()).get("lease_id");
        Api.runner(first.token()).header("X-Lease-Id", firstLease)
                .body(Map.of("lines", List.of("A0", "A1"), "offset", 0)).post(logs).then().statusCode(200);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/jobs/" + job).then()
                .body("job.status", equalTo("queued")));
        String secondLease = (String) Api.claimOne(second.token()).get("lease_id");
        // the next attempt numbers its lines from 0 again: they are new lines, not a resent batch
        Api.runner(second.token()).header("X-Lease-Id", secondLease)
                .body(Map.of("lines", List.of("B0", "B1"), "offset", 0)).post(logs).then().statusCode(200)
                .body("next_offset", equalTo(2));
        api.person().get("/api/jobs/" + job + "/logs").then()
                .body("logs.message", org.hamcrest.Matchers.contains("A0", "A1", "B0", "B1"))
                .body("logs.attempt", org.hamcrest.Matchers.contains(1, 1, 2, 2));

        // the stream says the same of each line
        Api.runner(second.token()).header("X-Lease-Id", secondLease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + job + "/result").then().statusCode(200);
        String events = LogStreamClient.open(base.toString(), job, api.jwt, null).get(20, TimeUnit.SECONDS);
        Matcher line = Pattern.compile("\\{\"seq\":(\\d+),\"attempt\":(\\d+),").matcher(events);
        List<String> seqAndAttempt = new java.util.ArrayList<>();
        while (line.find()) {
            seqAndAttempt.add(line.group(1) + "@" + line.group(2));
        }
        assertThat(seqAndAttempt).containsExactly("1@1", "2@1", "3@2", "4@2");
    }

    @Test
    void heartbeatsKeepTheLeaseAlive() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("t", List.of());
        Api.claimOne(runner.token());
        for (int i = 0; i < 6; i++) {
            Thread.sleep(400);
            Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        }
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("running")).body("job.attempt", equalTo(1));
    }

    @Test
    void logLinesKeepTheLeaseAliveAndStatusReportsToo() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("t", List.of());
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        for (int i = 0; i < 6; i++) {
            Thread.sleep(400);
            Api.runner(runner.token()).header("X-Lease-Id", lease)
                    .body(i % 2 == 0 ? Map.of("lines", List.of("line " + i)) : Map.of("progress", i * 10))
                    .post("/api/runners/jobs/" + job + (i % 2 == 0 ? "/logs" : "/status")).then().statusCode(200);
        }
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("running")).body("job.attempt", equalTo(1));
        // a lease id in other letter case or with spaces around it is the same lease
        Api.runner(runner.token()).header("X-Lease-Id", " " + lease.toUpperCase() + " ")
                .body(Map.of("lines", List.of("last"))).post("/api/runners/jobs/" + job + "/logs").then().statusCode(200)
                .body("next_offset", equalTo(5));
        Thread.sleep(700);
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("running"));
    }

    @Test
    void silentRunnerGoesOffline() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        api.person().get("/api/runners/" + runner.id()).then().body("runner.status", equalTo("online"));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> api.person().get("/api/runners/" + runner.id())
                .then().body("runner.status", equalTo("offline")));
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().body("status", equalTo("online"));
    }
}
