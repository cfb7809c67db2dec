package dev.paddock.runner;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class RunnerSmokeTest {

    @Test
    void createAndGet() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r1", List.of("linux"), 2);
        api.person().get("/api/runners/" + runner.id()).then().log().ifValidationFails().statusCode(200)
                .body("runner.name", equalTo("r1")).body("runner.status", equalTo("offline"));
    }
}
