package dev.paddock.dialect;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Oore CI's runner protocol (DIALECTS.md §2), as its runner calls it. */
@QuarkusTest
public class OoreRunnerTest {

    private record Registered(String id, String token) {
    }

    private static Registered register(Api api, String name) {
        Response registered = api.person().body(Map.of("name", name, "capabilities", Map.of("platforms", List.of("android"))))
                .post("/v1/runners/register");
        registered.then().statusCode(200).body("name", equalTo(name)).body("token", notNullValue())
                .body("created_at", instanceOf(Integer.class)).body("runner.id", equalTo(registered.path("id")))
                .body("runner.capabilities.platforms", contains("android"));
        return new Registered(registered.path("id"), registered.path("token"));
    }

    private static RequestSpecification as(Registered runner) {
        return given().header("Authorization", "Bearer " + runner.token()).contentType("application/json");
    }

    @Test
    void aRunnerBuildsAndSignsThroughOoresRoutes() {
        Api api = Api.newTenant();
        Registered runner = register(api, "mac-mini-1");
        String base = "/v1/runners/" + runner.id();
        api.person().get("/v1/runners").then().statusCode(200).body("id", contains(runner.id()))
                .body("[0].last_heartbeat_at", instanceOf(Integer.class));
        as(runner).body(Map.of("status", "online", "capabilities", Map.of("xcode", "16"))).post(base + "/heartbeat")
                .then().statusCode(204);
        as(runner).body(Map.of("name", "mac-mini-01")).patch(base).then().statusCode(200)
                .body("runner.name", equalTo("mac-mini-01")).body("runner.capabilities.xcode", equalTo("16"));
        as(runner).body(Map.of("protocol_version", 1)).post(base + "/claim").then().statusCode(204);

        String signing = "{\"release\": {\"keystore_base64\": \"AAAA\", \"store_password\": \"pw\", \"key_alias\": \"upload\"}}";
        String build = api.enqueue(Map.of("type", "android-build", "repository", "acme/app", "branch", "main",
                "commit_sha", "abc", "payload", Map.of("project_id", "p-1", "build_number", 12),
                "secrets", Map.of("ANDROID_SIGNING", signing)));
        Response claimed = as(runner).body(Map.of("protocol_version", 1)).post(base + "/claim");
        claimed.then().statusCode(200).body("build_id", equalTo(build)).body("project_id", equalTo("p-1"))
                .body("pipeline_id", equalTo("android-build")).body("build_number", equalTo(12))
                .body("config_snapshot.project_id", equalTo("p-1")).body("commit_sha", equalTo("abc"))
                .body("branch", equalTo("main")).body("lease_expires_at", instanceOf(Integer.class))
                .body("signing_token", notNullValue()).body("job.build_id", equalTo(build));
        String token = claimed.path("signing_token");
        String job = base + "/jobs/" + build;

        as(runner).get(job).then().statusCode(200).body("build_id", equalTo(build)).body("status", equalTo("running"));
        as(runner).header("x-oore-signing-token", token).get(job + "/android-signing").then().statusCode(200)
                .body("release.key_alias", equalTo("upload"));
        as(runner).get(job + "/android-signing").then().statusCode(409);
        as(runner).header("x-oore-signing-token", token).get(job + "/ios-signing").then().statusCode(404);

        Map<String, Object> chunks = Map.of("chunks", List.of(Map.of("sequence", 0, "content", "gradle assemble", "stream", "stdout"),
                Map.of("sequence", 1, "content", "deprecated API", "stream", "stderr")));
        as(runner).body(chunks).post(job + "/logs").then().statusCode(200).body("accepted", equalTo(2));
        as(runner).body(chunks).post(job + "/logs").then().statusCode(200);
        // a line too long is named as Oore names it
        as(runner).body(Map.of("chunks", List.of(Map.of("sequence", 2, "content", "x".repeat(65_537), "stream", "stdout"))))
                .post(job + "/logs").then().statusCode(400).body("errors.field", contains("chunks[0].content"));
        api.person().get("/api/jobs/" + build + "/logs").then().body("logs.message", contains("gradle assemble", "deprecated API"))
                .body("logs[1].level", equalTo("warn"));

        as(runner).body(Map.of("status", "running")).post(job + "/status").then().statusCode(200).body("status", equalTo("running"));
        as(runner).body(Map.of("status", "succeeded", "exit_code", 0, "steps", List.of(Map.of("name", "build"))))
                .post(job + "/status").then().statusCode(200).body("build_id", equalTo(build)).body("status", equalTo("succeeded"));
        api.person().get("/api/jobs/" + build).then().body("job.status", equalTo("success"))
                .body("job.result.exit_code", equalTo(0)).body("job.result.steps[0].name", equalTo("build"));
    }

    /** "Every job call of this dialect is fenced by the job's current holder", reading a build's status too. */
    /** A claim whose body is not JSON, or not an object, is refused and takes nothing. */
    @Test
    void aClaimWithAMalformedBodyClaimsNothing() {
        Api api = Api.newTenant();
        Registered runner = register(api, "linux-1");
        String job = api.enqueue("build", List.of());
        for (String body : List.of("{bad json", "[1,2]", "\"str\"")) {
            as(runner).body(body).post("/v1/runners/" + runner.id() + "/claim").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("queued"));
        as(runner).body(Map.of("protocol_version", 1)).post("/v1/runners/" + runner.id() + "/claim").then()
                .statusCode(200).body("build_id", equalTo(job));
    }

    @Test
    void readingABuildIsFencedAsEveryJobCall() {
        Api api = Api.newTenant();
        Registered runner = register(api, "linux-1");
        Registered other = register(api, "linux-2");
        String build = api.enqueue(Map.of("type", "build", "max_attempts", 2));
        String token = as(runner).body(Map.of()).post("/v1/runners/" + runner.id() + "/claim").then().statusCode(200)
                .extract().path("signing_token");
        String job = "/v1/runners/" + runner.id() + "/jobs/" + build;
        as(runner).header("x-oore-signing-token", token).get(job).then().statusCode(200).body("status", equalTo("running"));
        as(runner).header("x-oore-signing-token", java.util.UUID.randomUUID().toString()).get(job).then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        as(runner).header("X-Lease-Id", java.util.UUID.randomUUID().toString()).get(job).then().statusCode(409);
        // both sent: both are checked; a value that is no lease id is a header that does not parse
        as(runner).header("x-oore-signing-token", token).header("X-Lease-Id", java.util.UUID.randomUUID().toString())
                .body(Map.of("status", "running")).post(job + "/status").then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        as(runner).header("x-oore-signing-token", token).header("X-Lease-Id", token.toUpperCase())
                .get(job).then().statusCode(200);
        as(runner).header("x-oore-signing-token", "garbage").get(job).then().statusCode(400)
                .body("errors.field", contains("x-oore-signing-token"));

        // the runner leaves: the build is requeued and claimed by another, no longer the first one's
        as(runner).delete("/api/runners/" + runner.id()).then().statusCode(204);
        as(other).body(Map.of()).post("/v1/runners/" + other.id() + "/claim").then().statusCode(200).body("build_id", equalTo(build));
        as(runner).get(job).then().statusCode(409);
        as(other).get("/v1/runners/" + other.id() + "/jobs/" + build).then().statusCode(200).body("status", equalTo("running"));
        // another runner's id is not found, whatever the body
        as(runner).body(Map.of("status", "done")).post("/v1/runners/" + other.id() + "/jobs/" + build + "/status")
                .then().statusCode(404);
        as(runner).body(Map.of("name", "")).patch("/v1/runners/" + other.id()).then().statusCode(404);
        as(runner).body(Map.of("name", "   ")).patch("/v1/runners/" + runner.id()).then().statusCode(400)
                .body("errors.field", contains("name"));
    }

    /** A succeeded build's error_message is no error; a payload's null is no value (the claim's defaults apply). */
    @Test
    void aSucceededBuildHasNoErrorAndNullPayloadKeysTakeTheDefaults() {
        Api api = Api.newTenant();
        Registered runner = register(api, "linux-1");
        java.util.Map<String, Object> payload = new java.util.HashMap<>();
        payload.put("project_id", null);
        payload.put("build_number", null);
        String build = api.enqueue(Map.of("type", "build", "repository", "acme/app", "payload", payload));
        as(runner).body(Map.of()).post("/v1/runners/" + runner.id() + "/claim").then().statusCode(200)
                .body("project_id", equalTo("acme/app")).body("build_number", equalTo(0));
        as(runner).body(Map.of("status", "succeeded", "exit_code", 0, "error_message", "warnings only"))
                .post("/v1/runners/" + runner.id() + "/jobs/" + build + "/status").then().statusCode(200);
        api.person().get("/api/jobs/" + build).then().body("job.status", equalTo("success")).body("job.error", nullValue());
    }

    /** A key that registered a runner through Oore acts as it on Oore's runner routes, named by the path. */
    @Test
    void aKeyActsAsTheRunnerItRegisteredOnOoresRoutes() {
        Api api = Api.newTenant();
        String key = api.person().body(Map.of("name", "fleet", "scopes", List.of("runners:register")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        String id = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(Map.of("name", "mac-1")).post("/v1/runners/register").then().statusCode(200).extract().path("id");
        RequestSpecification withKey = given().header("Authorization", "Bearer " + key).contentType("application/json");
        withKey.body(Map.of("status", "online")).post("/v1/runners/" + id + "/heartbeat").then().statusCode(204);
        String build = api.enqueue("build", List.of());
        given().header("Authorization", "Bearer " + key).contentType("application/json").body(Map.of())
                .post("/v1/runners/" + id + "/claim").then().statusCode(200).body("build_id", equalTo(build));
        String byPerson = register(api, "other").id();
        given().header("Authorization", "Bearer " + key).contentType("application/json").body(Map.of("status", "online"))
                .post("/v1/runners/" + byPerson + "/heartbeat").then().statusCode(404);
    }

    @Test
    void failuresCancellationsAndOtherRunnersAreTold() {
        Api api = Api.newTenant();
        Registered runner = register(api, "linux-1");
        Registered other = register(api, "linux-2");
        String failing = api.enqueue("build", List.of());
        as(runner).body(Map.of()).post("/v1/runners/" + runner.id() + "/claim").then().statusCode(200);
        String job = "/v1/runners/" + runner.id() + "/jobs/" + failing;

        as(other).get(job).then().statusCode(404);
        as(other).body(Map.of()).post("/v1/runners/" + runner.id() + "/heartbeat").then().statusCode(404);
        as(runner).body(Map.of("status", "failed", "exit_code", 2, "error_message", "tests failed"))
                .post(job + "/status").then().statusCode(200).body("status", equalTo("failed"));
        api.person().get("/api/jobs/" + failing).then().body("job.status", equalTo("failure"))
                .body("job.error", equalTo("tests failed"));
        as(runner).body(Map.of("status", "done")).post(job + "/status").then().statusCode(400)
                .body("errors.field", hasItem("status"));

        String cancelled = api.enqueue("build", List.of());
        as(runner).body(Map.of()).post("/v1/runners/" + runner.id() + "/claim").then().body("build_id", equalTo(cancelled));
        api.person().body(Map.of()).post("/api/jobs/" + cancelled + "/cancel").then().statusCode(200);
        as(runner).get("/v1/runners/" + runner.id() + "/jobs/" + cancelled).then().body("status", equalTo("canceled"));
        given().get("/v1/runners").then().statusCode(401);
    }
}
