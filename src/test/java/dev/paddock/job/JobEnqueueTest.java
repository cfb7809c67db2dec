package dev.paddock.job;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** People enqueue jobs (defaults, validation, idempotency keys) and retry finished ones. */
@QuarkusTest
public class JobEnqueueTest {
    @Test
    void enqueueAppliesDefaultsAndHidesSecretValues() {
        Api api = Api.newTenant();
        api.person().body(Map.of("type", "code-review", "labels", List.of("linux"), "repository", "o/r",
                        "pr_number", 42, "payload", Map.of("prompt", "hi"), "secrets", Map.of("API_KEY", "s3cr3t")))
                .post("/api/jobs").then().statusCode(201)
                .body("job.status", equalTo("queued")).body("job.priority", equalTo(0))
                .body("job.timeout_seconds", equalTo(3600)).body("job.max_attempts", equalTo(3))
                .body("job.attempt", equalTo(0)).body("job.secret_names", contains("API_KEY"))
                .body("job.payload.prompt", equalTo("hi")).body("job.completed_at", nullValue())
                .body(not(containsString("s3cr3t")));
    }

    @Test
    void enqueueValidatesEveryField() {
        Api api = Api.newTenant();
        Map<String, Object> bad = new HashMap<>();
        bad.put("labels", List.of("Linux"));
        bad.put("priority", 101);
        bad.put("timeout_seconds", 0);
        bad.put("max_attempts", 11);
        api.person().body(bad).post("/api/jobs").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("type", "labels[0]", "priority", "timeout_seconds", "max_attempts"));
        Map<String, String> secrets = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            secrets.put("S" + i, "v");
        }
        api.person().body(Map.of("type", "t", "secrets", secrets)).post("/api/jobs").then().statusCode(400)
                .body("errors.field", hasItem("secrets"));
        api.person().body(Map.of("type", "t", "payload", Map.of("blob", "x".repeat(300 * 1024)))).post("/api/jobs")
                .then().statusCode(413).body("errors.field", hasItem("payload"));
        api.person().body(Map.of("type", "t", "priority", "high")).post("/api/jobs").then().statusCode(400)
                .body("errors.field", hasItem("priority"));
    }

    @Test
    void idempotencyKeyReturnsTheFirstJob() {
        Api api = Api.newTenant();
        String first = api.person().header("Idempotency-Key", "abc").body(Map.of("type", "t")).post("/api/jobs")
                .then().statusCode(201).extract().path("job.id");
        String again = api.person().header("Idempotency-Key", "abc").body(Map.of("type", "t")).post("/api/jobs")
                .then().statusCode(201).extract().path("job.id");
        assertThat(again).isEqualTo(first);
        Api other = Api.newTenant();
        String otherTenants = other.person().header("Idempotency-Key", "abc").body(Map.of("type", "t"))
                .post("/api/jobs").then().statusCode(201).extract().path("job.id");
        assertThat(otherTenants).isNotEqualTo(first);
        api.person().get("/api/jobs").then().body("total", equalTo(1));
    }

    @Test
    void retryCopiesAFinalJobWithMergedPayload() {
        Api api = Api.newTenant();
        String jobId = api.enqueue(Map.of("type", "t", "payload", Map.of("model", "a", "config", Map.of("depth", 1, "x", true))));
        api.person().body(Map.of()).post("/api/jobs/" + jobId + "/retry").then().statusCode(409);
        api.person().post("/api/jobs/" + jobId + "/cancel").then().statusCode(200);
        Response retried = api.person().body(Map.of("config_override", Map.of("config", Map.of("depth", 2))))
                .post("/api/jobs/" + jobId + "/retry").then().statusCode(201)
                .body("original_job_id", equalTo(jobId)).body("status", equalTo("queued")).extract().response();
        String newId = retried.path("new_job_id");
        api.person().get("/api/jobs/" + newId).then().body("job.payload.model", equalTo("a"))
                .body("job.payload.config.depth", equalTo(2)).body("job.payload.config.x", equalTo(true))
                .body("job.original_job_id", equalTo(jobId));
    }
}
