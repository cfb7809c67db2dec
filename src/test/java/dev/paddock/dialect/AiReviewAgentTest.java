package dev.paddock.dialect;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
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

    /** Two runners registered by one key; the first claimed a task. */
    private record Fleet(Api api, String key, String first, String second, String job) {
        static Fleet withAClaimedTask() {
            Api api = Api.newTenant();
            String key = AiReviewAgentTest.key(api, "runners:register");
            String first = register(key, "review");
            String second = register(key, "review");
            String job = api.enqueue("code-review", List.of("review"));
            withKey(key).get("/api/runners/tasks/pending?runnerId=" + first).then().body("[0].id", equalTo(job));
            return new Fleet(api, key, first, second, job);
        }
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

    /** A runner has one budget of calls (DIALECTS.md: 120 a minute a runner), whichever credential makes them. */
    @Test
    void theKeyActingAsARunnerAndTheRunnersTokenShareOneRate() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String id = UUID.randomUUID().toString();
        String token = given().header("x-api-key", key).header("X-Runner-Id", id).post("/api/runners/register").then()
                .statusCode(201).extract().path("token");
        int limited = 0;
        for (int i = 0; i < 125; i++) {
            if (withKey(key).body(Map.of()).post("/api/runners/" + id + "/heartbeat").statusCode() == 429) {
                limited++;
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(4);
        Api.runner(token).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(429)
                .header("Retry-After", notNullValue()).body("detail", equalTo("This runner made too many requests; slow down."));
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

    /** The runner's own routes that name it in the path take the key that registered it, and no other runner. */
    @Test
    void aKeyChangesAndDeletesOnlyItsOwnRunnersAsThoseRunners() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String mine = register(key, "review");
        String otherKeys = register(key(api, "runners:register"), "review");

        // as the runner: its descriptive fields change, its labels are people's to set
        withKey(key).body(Map.of("name", "renamed", "version", "2.1.0", "labels", List.of("gpu")))
                .patch("/api/runners/" + mine).then().statusCode(200)
                .body("runner.name", equalTo("renamed")).body("runner.version", equalTo("2.1.0"))
                .body("runner.labels", contains("review"));
        // any other runner is not found for a key that may only act as its own
        withKey(key).body(Map.of("name", "taken")).patch("/api/runners/" + otherKeys).then().statusCode(404);
        withKey(key).delete("/api/runners/" + otherKeys).then().statusCode(404);
        api.person().get("/api/runners/" + otherKeys).then().statusCode(200).body("runner.name", not(equalTo("taken")));
        // a key without a runner scope is refused for its scopes, as a person would be
        withKey(key(api, "jobs:read")).body(Map.of("name", "x")).patch("/api/runners/" + mine).then().statusCode(403);
    }

    @Test
    void theRegisteringKeyDeregistersAndARunnerThatLostItsTaskIsFenced() {
        Fleet fleet = Fleet.withAClaimedTask();

        // deregistered by its key: offline, record kept, its task back in the queue
        withKey(fleet.key()).delete("/api/runners/" + fleet.first()).then().statusCode(204);
        fleet.api().person().get("/api/runners/" + fleet.first()).then().statusCode(200).body("runner.status", equalTo("offline"));
        withKey(fleet.key()).get("/api/runners/tasks/pending?runnerId=" + fleet.second()).then().body("[0].id", equalTo(fleet.job()));
        // fenced by the holder alone (no lease id sent), the answer says so, not that a header is missing
        withKey(fleet.key()).body(Map.of("runnerId", fleet.first(), "status", "success")).post("/api/runners/tasks/" + fleet.job() + "/result")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"))
                .body("detail", equalTo("This runner no longer holds this job; nothing was changed."));

        // another key with runners:manage deletes it as a person would
        withKey(key(fleet.api(), "runners:manage")).delete("/api/runners/" + fleet.first()).then().statusCode(204);
        fleet.api().person().get("/api/runners/" + fleet.first()).then().statusCode(404);
    }

    /** An agent that always sends JSON: the X-Runner-* headers give what the body leaves out. */
    @Test
    void theRegistrationHeadersCountBesideABody() {
        Api api = Api.newTenant();
        String key = key(api, "runners:register");
        String id = UUID.randomUUID().toString();
        given().header("x-api-key", key).header("X-Runner-Id", id).header("X-Runner-Name", "reviewer")
                .header("X-Runner-Tags", "review,linux").contentType("application/json").body("{}")
                .post("/api/runners/register").then().statusCode(201).body("runner.id", equalTo(id))
                .body("runner.name", equalTo("reviewer")).body("runner.labels", contains("review", "linux"));
        given().header("x-api-key", key).header("X-Runner-Id", id).header("X-Runner-Tags", "review")
                .contentType("application/json").body(Map.of("name", "renamed")).post("/api/runners/register")
                .then().statusCode(200).body("runner.id", equalTo(id)).body("runner.name", equalTo("renamed"))
                .body("runner.labels", contains("review"));
        // ai-review writes camelCase: both spellings are read (DIALECTS.md)
        given().header("x-api-key", key).contentType("application/json").body(Map.of("id", id, "maxConcurrency", 2))
                .post("/api/runners/register").then().statusCode(200).body("runner.max_concurrency", equalTo(2));
    }

    /** Errors name ai-review's fields; a runner token naming another runner, however it names it, finds nothing. */
    @Test
    void errorsNameTheFieldsSentAndARunnerNamingAnotherFindsNothing() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("review"), 1);
        Api.RunnerRef other = api.onlineRunner(List.of("other"), 1);
        String job = api.enqueue("code-review", List.of("review"));
        Api.runner(runner.token()).get("/api/runners/tasks/pending").then().statusCode(200).body("[0].id", equalTo(job));
        String task = "/api/runners/tasks/" + job;

        Api.runner(runner.token()).body(Map.of("status", "success", "rating", "E")).post(task + "/result").then()
                .statusCode(400).body("errors.field", contains("rating"));
        Api.runner(runner.token()).body(Map.of("logs", List.of())).post(task + "/logs").then()
                .statusCode(400).body("errors.field", contains("logs"));
        Api.runner(runner.token()).body(Map.of("lines", List.of())).post(task + "/logs").then()
                .statusCode(400).body("errors.field", contains("lines"));

        Api.runner(runner.token()).get("/api/runners/tasks/pending?runner_id=" + other.id()).then().statusCode(404);
        Api.runner(runner.token()).header("X-Runner-Id", other.id()).body(Map.of("status", "x")).post(task + "/status")
                .then().statusCode(404);
        Api.runner(runner.token()).body(Map.of("runnerId", other.id(), "status", "success")).post(task + "/result")
                .then().statusCode(404);
        Api.runner(runner.token()).body(Map.of("runnerId", runner.id(), "status", "success")).post(task + "/result")
                .then().statusCode(200).body("job.status", equalTo("success"));
    }

    /** ai-review's status and logs calls name no runner: the key acts as the task's holder it registered. */
    @Test
    void taskCallsThatNameNoRunnerActAsTheTasksHolderOfThisKey() {
        Fleet fleet = Fleet.withAClaimedTask();

        withKey(fleet.key()).body(Map.of("status", "reviewing")).post("/api/runners/tasks/" + fleet.job() + "/status")
                .then().statusCode(200).body("job.phase", equalTo("reviewing")).body("job.runner.id", equalTo(fleet.first()));
        withKey(fleet.key()).body(Map.of("logs", List.of("read 3 files"))).post("/api/runners/tasks/" + fleet.job() + "/logs")
                .then().statusCode(200).body("accepted", equalTo(1));

        // another key of the tenant, a key of another tenant, a task no runner of the key held: 404
        String otherKey = key(fleet.api(), "runners:register");
        withKey(otherKey).body(Map.of("logs", List.of("x"))).post("/api/runners/tasks/" + fleet.job() + "/logs")
                .then().statusCode(404);
        withKey(key(Api.newTenant(), "runners:register")).body(Map.of("status", "x"))
                .post("/api/runners/tasks/" + fleet.job() + "/status").then().statusCode(404);
        String unclaimed = fleet.api().enqueue("code-review", List.of("nobody-serves-this"));
        withKey(fleet.key()).body(Map.of("status", "x")).post("/api/runners/tasks/" + unclaimed + "/status").then().statusCode(404);
        withKey(fleet.key()).body(Map.of("status", "x")).post("/api/runners/tasks/" + UUID.randomUUID() + "/status")
                .then().statusCode(404);
        withKey(fleet.key()).body(Map.of("status", "x")).post("/api/runners/tasks/not-a-uuid/status").then().statusCode(404);

        // the task goes back to the queue: a runner of this key held it before, nobody holds it now
        withKey(fleet.key()).delete("/api/runners/" + fleet.first()).then().statusCode(204);
        withKey(fleet.key()).body(Map.of("logs", List.of("late"))).post("/api/runners/tasks/" + fleet.job() + "/logs")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        withKey(fleet.key()).body(Map.of("status", "success")).post("/api/runners/tasks/" + fleet.job() + "/result")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"));

        // claimed again by the key's second runner: the calls act as it; a runner named in the body still wins
        withKey(fleet.key()).get("/api/runners/tasks/pending?runnerId=" + fleet.second()).then().body("[0].attempt", equalTo(2));
        withKey(fleet.key()).body(Map.of("logs", List.of("second attempt"))).post("/api/runners/tasks/" + fleet.job() + "/logs")
                .then().statusCode(200).body("accepted", equalTo(1));
        // fenced by the holder alone (no lease id sent), the answer says so, not that a header is missing
        withKey(fleet.key()).body(Map.of("runnerId", fleet.first(), "status", "success")).post("/api/runners/tasks/" + fleet.job() + "/result")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"))
                .body("detail", equalTo("This runner no longer holds this job; nothing was changed."));
        withKey(fleet.key()).body(Map.of("status", "success", "rating", "A")).post("/api/runners/tasks/" + fleet.job() + "/result")
                .then().statusCode(200).body("job.status", equalTo("success")).body("job.runner.id", equalTo(fleet.second()));
        // final: the same report answers the same, as its holder
        withKey(fleet.key()).body(Map.of("status", "success", "rating", "A")).post("/api/runners/tasks/" + fleet.job() + "/result")
                .then().statusCode(200);
        fleet.api().person().get("/api/jobs/" + fleet.job() + "/logs").then()
                .body("logs.message", contains("read 3 files", "second attempt"));
    }
}
