package dev.paddock.fleet;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/** Ephemeral runners: one job in a life, then gone, by the server's own hand. */
@QuarkusTest
@SuppressWarnings("unchecked")
public class EphemeralRunnerTest {

    /** Creates an ephemeral runner through people's route and brings it online. */
    public static Api.RunnerRef ephemeralRunner(Api api, String name) {
        var created = api.person().body(Map.of("name", name, "ephemeral", true)).post("/api/runners")
                .then().statusCode(201).body("runner.ephemeral", is(true)).extract().response();
        Api.RunnerRef runner = new Api.RunnerRef(created.path("runner.id"), created.path("runner.token"));
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        return runner;
    }

    /** The tenant's events of one type about one subject. */
    static List<Map<String, Object>> events(Api api, String type, String subject) {
        List<Map<String, Object>> events = api.person().queryParam("type", type).queryParam("limit", 1000)
                .get("/api/events").then().statusCode(200).extract().path("events");
        return events.stream().filter(event -> subject.equals(event.get("subject"))).toList();
    }

    @Test
    void anEphemeralRunnerClaimsOneJobAndIsDeletedWhenItSucceeds() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = ephemeralRunner(api, "one-shot");
        String first = api.enqueue("t", List.of());
        String second = api.enqueue("t", List.of());
        List<Map<String, Object>> claimed = Api.runner(runner.token()).body(Map.of("limit", 5))
                .post("/api/runners/jobs/claim").then().statusCode(200).extract().path("jobs");
        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).get("id")).isEqualTo(first);
        Api.runner(runner.token()).body(Map.of("limit", 5)).post("/api/runners/jobs/claim").then().statusCode(204);

        Api.runner(runner.token()).header("X-Lease-Id", claimed.get(0).get("lease_id"))
                .body(Map.of("status", "success")).post("/api/runners/jobs/" + first + "/result").then().statusCode(200);

        api.person().get("/api/runners/" + runner.id()).then().statusCode(404);
        api.person().get("/api/runners").then().body("total", is(0));
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401);
        api.person().get("/api/jobs/" + first).then().statusCode(200).body("job.status", is("success"))
                .body("job.runner.id", is(runner.id())).body("job.runner.name", is("one-shot"));
        api.person().get("/api/jobs/" + second).then().body("job.status", is("queued"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                events(api, "paddock.runner.deleted", runner.id())).singleElement().satisfies(event ->
                assertThat((Map<String, Object>) event.get("data")).containsEntry("reason", "ephemeral")));
    }

    @Test
    void anEphemeralRunnerIsDeletedWhenItsJobIsCancelledAndARegisteredOneIsEphemeralToo() {
        Api api = Api.newTenant();
        var registered = api.person().body(Map.of("name", "pod-7", "ephemeral", true))
                .post("/api/runners/register").then().statusCode(201).body("runner.ephemeral", is(true))
                .extract().response();
        String token = registered.path("token");
        String runnerId = registered.path("runner.id");
        String job = api.enqueue("t", List.of());
        Api.runner(token).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(200);
        api.person().body(Map.of("reason", "not needed")).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
        api.person().get("/api/runners/" + runnerId).then().statusCode(404);
        Api.runner(token).body(Map.of()).post("/api/runners/jobs/claim").then().statusCode(401);
        api.person().get("/api/jobs/" + job).then().body("job.runner.name", is("pod-7"));
    }

    @Test
    void anEphemeralRunnerThatNeverClaimsIsDeletedAfterTheIdlePeriod() {
        Api api = Api.newTenant();
        Api.RunnerRef idle = ephemeralRunner(api, "idle");
        Api.RunnerRef lasting = api.onlineRunner(List.of(), 1);
        // the tests' PADDOCK_RUNNERS_EPHEMERAL_IDLE is 3s
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                api.person().get("/api/runners/" + idle.id()).then().statusCode(404));
        api.person().get("/api/runners/" + lasting.id()).then().statusCode(200);
        Api.runner(idle.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                events(api, "paddock.runner.deleted", idle.id())).hasSize(1));
    }

    @Test
    void aPersonDeletingAnEphemeralRunnerThatHoldsAJobDeletesItOnce() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = ephemeralRunner(api, "doomed");
        String job = api.enqueue(Map.of("type", "t", "max_attempts", 2));
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/jobs/claim").then().statusCode(200);
        api.person().delete("/api/runners/" + runner.id()).then().statusCode(204);
        api.person().get("/api/jobs/" + job).then().body("job.status", is("queued"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                events(api, "paddock.runner.deleted", runner.id())).singleElement().satisfies(event ->
                assertThat((Map<String, Object>) event.get("data")).containsEntry("reason", "deleted")));
    }
}
