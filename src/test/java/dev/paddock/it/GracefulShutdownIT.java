package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM on the packaged service: waiting long polls answer 204 promptly and the process exits. */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class GracefulShutdownIT {

    @Test
    void sigtermReleasesLongPollsAndExitsQuickly() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("never-enqueued"), 1);
        Replica doomed = Replica.start(Map.of("quarkus.shutdown.delay", "1s"));
        try {
            CompletableFuture<Response> waiting = Background.call(() -> Api.runner(runner.token())
                    .baseUri(doomed.url()).body(Map.of("wait_seconds", 60)).post("/api/runners/jobs/claim").andReturn());
            Thread.sleep(1500);
            long signalled = System.nanoTime();
            doomed.process.destroy(); // SIGTERM
            Thread.sleep(300);
            assertThat(doomed.health("ready")).as("readiness down during the shutdown delay").isNotEqualTo(200);
            Response response = waiting.get(10, TimeUnit.SECONDS);
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(answeredMs).as("long poll released").isLessThan(3000);
            assertThat(doomed.process.waitFor(15, TimeUnit.SECONDS)).as("exited well inside the grace period").isTrue();
            long exitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertThat(exitedMs).isLessThan(15000);
        } finally {
            doomed.close();
        }
    }
}
