package dev.paddock.dialect;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** ai-review's runner (DIALECTS.md §1): an API key registers a runner and then acts as it. */
@QuarkusTest
public class AiReviewAgentTest {

    private static String key(Api api, String... scopes) {
        return api.person().body(Map.of("name", "review fleet", "scopes", List.of(scopes))).post("/api/api-keys")
                .then().statusCode(201).extract().path("key");
    }

    private static RequestSpecification withKey(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json");
    }

    /** A runner registered by {@code key} through the X-Runner-* headers, as ai-review's agent does. */
    private static String register(String key, String... tags) {
        String id = UUID.randomUUID().toString();
        given().header("x-api-key", key).header("X-Runner-Id", id).header("X-Runner-Name", "reviewer-" + id.substring(0, 6))
                .header("X-Runner-Tags", String.join(",", tags)).post("/api/runners/register").then().statusCode(201)
                .body("runner.id", equalTo(id)).body("token", notNullValue());
        return id;
    }

    @Test
    void aKeyRegistersARunnerAndRunsAReviewAsIt() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String runner = register(key, "review", "linux");
        api.person().get("/api/runners/" + runner).then().body("runner.labels", contains("review", "linux"));
        withKey(key).body(Map.of("status", "online", "activeJobs", 0)).post("/api/runners/" + runner + "/heartbeat")
                .then().statusCode(200).body("runner_id", equalTo(runner));

        withKey(key).get("/api/runners/tasks/pending?runnerId=" + runner).then().statusCode(200).body("size()", equalTo(0));
        String job = api.enqueue(Map.of("type", "code-review", "labels", List.of("review"), "repository", "acme/app",
                "pr_number", 7));
        withKey(key).get("/api/runners/tasks/pending?runnerId=" + runner + "&limit=5").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].id", equalTo(job)).body("[0].lease_id", notNullValue())
                .body("[0].attempt", equalTo(1)).body("[0].repository", equalTo("acme/app"));

        withKey(key).header("X-Runner-Id", runner).body(Map.of("status", "cloning"))
                .post("/api/runners/tasks/" + job + "/status").then().statusCode(200)
                .body("job.status", equalTo("running")).body("job.phase", equalTo("cloning"));
        withKey(key).body(Map.of("runnerId", runner, "logs", List.of("cloned", "reviewing 3 files")))
                .post("/api/runners/tasks/" + job + "/logs").then().statusCode(200).body("accepted", equalTo(2));
        Map<String, Object> result = Map.of("runnerId", runner, "status", "success",
                "files", List.of(Map.of("path", "a.java", "comments", 2)), "totalComments", 2, "rating", "B",
                "metrics", Map.of("ms", 900));
        withKey(key).body(result).post("/api/runners/tasks/" + job + "/result").then().statusCode(200)
                .body("job.status", equalTo("success")).body("job.result.files[0].path", equalTo("a.java"))
                .body("job.total_comments", equalTo(2)).body("job.quality_rating", equalTo("B"));
        // the same report again answers the same
        withKey(key).body(result).post("/api/runners/tasks/" + job + "/result").then().statusCode(200);

        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("success"))
                .body("job.runner.id", equalTo(runner)).body("job.metrics.ms", equalTo(900));
        api.person().get("/api/jobs/" + job + "/logs").then().body("logs.message", contains("cloned", "reviewing 3 files"));
    }

    @Test
    void aKeyActsOnlyAsTheRunnersItRegistered() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String mine = register(key, "review");
        String byPerson = api.onlineRunner(List.of("review"), 1).id();
        String otherKeys = register(key(api, "runners:register"), "review");

        withKey(key).body(Map.of()).post("/api/runners/" + byPerson + "/heartbeat").then().statusCode(404);
        withKey(key).body(Map.of()).post("/api/runners/" + otherKeys + "/heartbeat").then().statusCode(404);
        withKey(key).get("/api/runners/tasks/pending?runnerId=" + byPerson).then().statusCode(404);
        withKey(key).get("/api/runners/tasks/pending").then().statusCode(404);
        withKey(key(Api.newTenant(), "runners:register")).body(Map.of()).post("/api/runners/" + mine + "/heartbeat")
                .then().statusCode(404);
        withKey(key(api, "jobs:read")).get("/api/runners/tasks/pending?runnerId=" + mine).then().statusCode(403);
        withKey(key).body(Map.of()).post("/api/runners/" + mine + "/heartbeat").then().statusCode(200);

        // a runner token naming another runner finds nothing
        Api.RunnerRef tokenRunner = api.onlineRunner(List.of(), 1);
        Api.runner(tokenRunner.token()).get("/api/runners/tasks/pending?runnerId=" + mine).then().statusCode(404);
        Api.runner(tokenRunner.token()).get("/api/runners/tasks/pending?runnerId=" + tokenRunner.id()).then().statusCode(200);
    }

    @Test
    void theRegisteringKeyDeregistersAndARunnerThatLostItsTaskIsFenced() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String first = register(key, "review");
        String second = register(key, "review");
        String job = api.enqueue("code-review", List.of("review"));
        withKey(key).get("/api/runners/tasks/pending?runnerId=" + first).then().body("[0].id", equalTo(job));

        // deregistered by its key: offline, record kept, its task back in the queue
        withKey(key).delete("/api/runners/" + first).then().statusCode(204);
        api.person().get("/api/runners/" + first).then().statusCode(200).body("runner.status", equalTo("offline"));
        withKey(key).get("/api/runners/tasks/pending?runnerId=" + second).then().body("[0].id", equalTo(job));
        withKey(key).body(Map.of("runnerId", first, "status", "success")).post("/api/runners/tasks/" + job + "/result")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"));

        // another key with runners:manage deletes it as a person would
        withKey(key(api, "runners:manage")).delete("/api/runners/" + first).then().statusCode(204);
        api.person().get("/api/runners/" + first).then().statusCode(404);
    }
}
