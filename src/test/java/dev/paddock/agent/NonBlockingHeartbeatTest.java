package dev.paddock.agent;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A heartbeat holds no worker thread: it is answered on the event loop once its batch commits,
 * whether its runner was admitted from memory or, the first time this replica sees its token, by
 * a lookup on a worker thread. Refusals keep their problem+json either way.
 */
@QuarkusTest
class NonBlockingHeartbeatTest {

    @Test
    void aRunnerFirstSeenAndThenKnownIsAnsweredOnTheEventLoop() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("beats-" + System.nanoTime(), List.of(), 1);
        for (int beat = 0; beat < 2; beat++) {
            Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat")
                    .then().statusCode(200).body("runner_id", equalTo(runner.id())).body("status", equalTo("online"));
            assertThat(HeartbeatThreadProbe.ON_EVENT_LOOP.get(runner.token())).as("beat %d", beat).isTrue();
        }
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/" + runner.id() + "/heartbeat")
                .then().statusCode(200).body("runner_id", equalTo(runner.id()));
    }

    @Test
    void refusalsAreProblemsOnTheNonBlockingRoute() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("beats-" + System.nanoTime(), List.of(), 1);
        Api.RunnerRef other = api.createRunner("other-" + System.nanoTime(), List.of(), 1);
        Api.runner("rn_" + "0".repeat(40)).body(Map.of()).post("/api/runners/heartbeat")
                .then().statusCode(401).contentType("application/problem+json");
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/" + other.id() + "/heartbeat")
                .then().statusCode(404).contentType("application/problem+json");
        Api.runner(runner.token()).body(Map.of("status", "sleeping")).post("/api/runners/heartbeat")
                .then().statusCode(400).contentType("application/problem+json");
        api.person().delete("/api/runners/" + runner.id()).then().statusCode(204);
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat")
                .then().statusCode(401).contentType("application/problem+json");
    }
}
