package dev.paddock.signal;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica that lost its LISTEN connection would let long polls wait out their whole time: it
 * reports itself not ready until the connection is back, which it comes by itself.
 */
@QuarkusTest
class ListeningReadinessTest {

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void readinessFollowsTheListeningConnectionAndLongPollsWakeAgain() throws Exception {
        await().atMost(10, TimeUnit.SECONDS).until(() -> given().get(management + "health/ready").statusCode() == 200);

        terminateListeningConnection();

        await().atMost(5, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS)
                .until(() -> given().get(management + "health/ready").statusCode() == 503);
        assertThat(given().get(management + "health/ready").asString()).contains("wake-up signals");
        await().atMost(10, TimeUnit.SECONDS).until(() -> given().get(management + "health/ready").statusCode() == 200);

        // back to normal: a waiting claim answers as soon as a job is enqueued
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        CompletableFuture<Integer> claim = Background.call(() -> Api.runner(runner.token())
                .body(Map.of("wait_seconds", 20)).post("/api/runners/jobs/claim").statusCode());
        Thread.sleep(500);
        long enqueuedAt = System.nanoTime();
        api.enqueue("t", List.of());
        assertThat(claim.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - enqueuedAt)).isLessThan(5_000);
    }

    private void terminateListeningConnection() throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?")) {
            statement.setString(1, Signals.applicationName());
            statement.executeQuery();
        }
    }
}
