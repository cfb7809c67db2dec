package dev.paddock.security;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every answer, success or problem, person's or agent's, names no server and carries the API security headers. */
@QuarkusTest
public class SecurityHeadersTest {

    @Test
    void answersCarryTheSecurityHeadersAndNoServerVersion() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        List<Response> answers = List.of(
                api.person().get("/api/jobs").andReturn(),
                given().get("/api/jobs").andReturn(),
                api.person().body("{").post("/api/jobs").andReturn(),
                Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").andReturn(),
                given().get("/v1/runs").andReturn(),
                given().get("/api/no-such-route").andReturn());
        for (Response answer : answers) {
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
            assertThat(answer.header("Content-Security-Policy")).contains("default-src 'none'");
            assertThat(answer.header("Strict-Transport-Security")).startsWith("max-age=");
            assertThat(answer.header("Server")).isNull();
            assertThat(answer.header("X-Powered-By")).isNull();
        }
        assertThat(given().get("/q/openapi").header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
}
