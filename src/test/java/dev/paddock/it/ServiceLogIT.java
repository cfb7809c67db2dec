package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import dev.paddock.support.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service's own log, as an operator reads it, after a full job lifecycle with
 * secrets, an API key and a run of bad requests: no stack trace, no SQL, no credential or secret,
 * no raw control character copied from input.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class ServiceLogIT {

    private static final Pattern SQL = Pattern.compile("(?i)\\b(insert\\s+into|select\\s.+\\sfrom|update\\s+\\w+\\s+set|delete\\s+from)\\b");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at\\s|^Caused by:|^\\s+\\.\\.\\. \\d+ more");

    @Test
    void aLifecycleAndBadRequestsLeaveACleanLog() throws Exception {
        List<String> mustNotAppear = new ArrayList<>();
        String secretValue = "s3cret-" + System.nanoTime();
        Replica replica = Replica.start(Map.of());
        try {
            Api api = Api.newTenant();
            mustNotAppear.add(api.jwt);
            String key = person(replica, api).body(Map.of("name", "ci", "scopes", List.of("jobs:manage")))
                    .post("/api/api-keys").then().statusCode(201).extract().path("key");
            mustNotAppear.add(key);
            String runnerToken = person(replica, api).body(Map.of("name", "r", "labels", List.of("linux")))
                    .post("/api/runners").then().statusCode(201).extract().path("runner.token");
            mustNotAppear.add(runnerToken);

            given().baseUri(replica.url()).header("x-api-key", key).contentType(ContentType.JSON)
                    .body(Map.of("type", "build", "labels", List.of("linux"), "secrets", Map.of("TOKEN", secretValue)))
                    .post("/api/jobs").then().statusCode(201);
            runner(replica, runnerToken).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
            Map<String, Object> claimed = runner(replica, runnerToken).body(Map.of("limit", 1))
                    .post("/api/runners/jobs/claim").then().statusCode(200).extract().path("jobs[0]");
            String job = "/api/runners/jobs/" + claimed.get("id");
            String lease = (String) claimed.get("lease_id");
            runner(replica, runnerToken).header("X-Lease-Id", lease).body(Map.of("status", "running"))
                    .post(job + "/status").then().statusCode(200);
            runner(replica, runnerToken).header("X-Lease-Id", lease).get(job + "/secrets").then().statusCode(200);
            runner(replica, runnerToken).header("X-Lease-Id", lease)
                    .body(Map.of("lines", List.of("using " + secretValue, "forged\n12:00:00.000 ERROR \u001b[31m")))
                    .post(job + "/logs").then().statusCode(200);
            runner(replica, runnerToken).header("X-Lease-Id", lease).body(Map.of("status", "success"))
                    .post(job + "/result").then().statusCode(200);

            // client mistakes of every kind
            person(replica, api).body("{\"type\":\"build\",\"name\":\"a\\u0000b\"}").post("/api/jobs").then().statusCode(400);
            person(replica, api).body("{\"type\":\"a\",\"type\":\"b\"}").post("/api/jobs").then().statusCode(400);
            person(replica, api).body("{\"type\":\"a\"} trailing").post("/api/jobs").then().statusCode(400);
            person(replica, api).body("{\"type\":").post("/api/jobs").then().statusCode(400);
            person(replica, api).body("{\"priority\":\"high\"}").post("/api/jobs").then().statusCode(400);
            given().baseUri(replica.url()).auth().oauth2(api.jwt).header("Content-Type", "application/json, text/plain")
                    .body("{}".getBytes()).post("/api/jobs").then().statusCode(415);
            given().baseUri(replica.url()).auth().oauth2(Tokens.tampered(api.tenant)).get("/api/jobs").then().statusCode(401);
            given().baseUri(replica.url()).header("X-Runner-Token", "ptk_" + secretValue).body("{}")
                    .contentType(ContentType.JSON).post("/api/runners/heartbeat").then().statusCode(401);
            person(replica, api).get("/api/jobs/not-a-uuid%0d%0a12:00:00.000%20ERROR%20forged").then().statusCode(404);
            person(replica, api).get("/api/jobs?limit=1&limit=%1b[31m").then().statusCode(400);
            runner(replica, runnerToken).header("X-Lease-Id", "00000000-0000-0000-0000-000000000000")
                    .body(Map.of("lines", List.of("late"))).post(job + "/logs").then().statusCode(409);
        } finally {
            replica.close();
        }

        List<String> lines = Files.readAllLines(replica.log);
        assertThat(lines).as("the replica logged its start").anyMatch(line -> line.contains("Paddock is serving"));
        for (String line : lines) {
            assertThat(STACK_FRAME.matcher(line).find()).as("stack trace line: %s", line).isFalse();
            assertThat(SQL.matcher(line).find()).as("SQL in: %s", line).isFalse();
            assertThat(line.chars().anyMatch(c -> c < 0x20 && c != '\t')).as("control character in: %s", line).isFalse();
            assertThat(line).doesNotContain(secretValue).doesNotContain("forged");
            for (String credential : mustNotAppear) {
                assertThat(line).doesNotContain(credential);
            }
        }
    }

    private static RequestSpecification person(Replica replica, Api api) {
        return given().baseUri(replica.url()).auth().oauth2(api.jwt).contentType(ContentType.JSON);
    }

    private static RequestSpecification runner(Replica replica, String token) {
        return given().baseUri(replica.url()).header("X-Runner-Token", token).contentType(ContentType.JSON);
    }
}
