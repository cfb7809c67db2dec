package dev.paddock.auth;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests reach the resources with Paddock's authentication-failure handler in place of Quarkus's
 * default one, and without the REST layer having looked up their route template for it
 * ({@link QuarkusAuthFailureHandler}); an authentication failure still answers 401 problem+json.
 * Fails without the filter, and if Quarkus kept its handler under another key than the filter's.
 */
@QuarkusTest
class QuarkusAuthFailureHandlerTest {

    @Test
    void aRequestReachesTheResourcesWithPaddocksAuthFailureHandler() {
        Api api = Api.newTenant();
        api.person().get("/api/runners").then().statusCode(200);
        assertThat(AuthFailureHandlerProbe.SEEN.get("/api/runners")).isSameAs(QuarkusAuthFailureHandler.FAIL_THE_REQUEST);

        Api.RunnerRef runner = api.createRunner("probe", List.of("linux"), 1);
        Api.runner(runner.token()).contentType("application/json").body("{}").post("/api/runners/heartbeat")
                .then().statusCode(200);
        assertThat(AuthFailureHandlerProbe.SEEN.get("/api/runners/heartbeat"))
                .isSameAs(QuarkusAuthFailureHandler.FAIL_THE_REQUEST);
        assertThat(AuthFailureHandlerProbe.ROUTE_LOOKED_UP).containsEntry("/api/runners", false)
                .containsEntry("/api/runners/heartbeat", false);

        given().header("Authorization", "Bearer not-a-token").get("/api/runners/not-a-runner")
                .then().statusCode(401).contentType("application/problem+json");
        assertThat(AuthFailureHandlerProbe.SEEN.get("/api/runners/not-a-runner"))
                .isSameAs(QuarkusAuthFailureHandler.FAIL_THE_REQUEST);
        assertThat(AuthFailureHandlerProbe.ROUTE_LOOKED_UP).containsEntry("/api/runners/not-a-runner", false);
    }
}
