package dev.paddock.fleet;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
public class RunnerResourceTest {

    @Test
    void createShowsTokenOnceAndDefaults() {
        Api api = Api.newTenant();
        Response created = api.person().body(Map.of("name", "builder-1", "labels", List.of("linux", "gpu")))
                .post("/api/runners").then().statusCode(201)
                .body("runner.name", equalTo("builder-1"))
                .body("runner.status", equalTo("offline"))
                .body("runner.max_concurrency", equalTo(5))
                .body("runner.active_jobs", equalTo(0))
                .body("runner.jobs_completed", equalTo(0))
                .body("runner.labels", contains("linux", "gpu"))
                .body("runner.token", matchesPattern("^rn_[A-Za-z0-9_-]{43}$"))
                .body("runner.last_heartbeat_at", nullValue())
                .body("runner.created_at", matchesPattern(".*Z$"))
                .extract().response();
        String id = created.path("runner.id");
        String token = created.path("runner.token");
        api.person().get("/api/runners/" + id).then().statusCode(200)
                .body("runner", not(hasKey("token")))
                .body("runner.token_prefix", equalTo(token.substring(0, 7)));
    }

    @Test
    void everyInvalidFieldIsListed() {
        Api api = Api.newTenant();
        api.person().body(Map.of("name", "", "labels", List.of("ok", "Bad Label"), "max_concurrency", 0))
                .post("/api/runners").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("name", "labels[1]", "max_concurrency"));
        api.person().body(Map.of("name", "x".repeat(101), "max_concurrency", 1001)).post("/api/runners").then()
                .statusCode(400).body("errors.field", containsInAnyOrder("name", "max_concurrency"));
        // a value of the wrong type hides none of the others
        api.person().body(Map.of("name", "", "max_concurrency", "abc", "labels", List.of("ok", Map.of("a", 1))))
                .post("/api/runners").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("name", "max_concurrency", "labels[1]"));
        api.person().body(Map.of("id", "xx", "name", "", "labels", List.of("X"), "max_concurrency", 0))
                .post("/api/runners/register").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("id", "name", "labels[0]", "max_concurrency"));
        Api.RunnerRef beating = api.createRunner("typed", List.of(), 1);
        Api.runner(beating.token()).body(Map.of("status", 5, "active_jobs", "x")).post("/api/runners/heartbeat")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("status", "active_jobs"));
        List<String> tooMany = java.util.stream.IntStream.range(0, 33).mapToObj(i -> "l" + i).toList();
        api.person().body(Map.of("name", "x", "labels", tooMany)).post("/api/runners").then().statusCode(400)
                .body("errors.field", hasItem("labels"));
        api.person().body(Map.of("name", "x", "labels", List.of("a".repeat(64)))).post("/api/runners").then()
                .statusCode(400).body("errors.field", hasItem("labels[0]"));
        api.person().body(Map.of("name", "x", "labels", List.of("a".repeat(63), "x-1.2:3_b"))).post("/api/runners")
                .then().statusCode(201);
    }

    @Test
    void listFiltersSortsAndPages() {
        Api api = Api.newTenant();
        Api.RunnerRef never = api.createRunner("never-seen", List.of("linux"), 2);
        Api.RunnerRef older = api.onlineRunner(List.of("linux", "gpu"), 2);
        Api.RunnerRef newer = api.onlineRunner(List.of("linux"), 2);
        api.person().get("/api/runners").then().statusCode(200)
                .body("total", equalTo(3)).body("limit", equalTo(50)).body("offset", equalTo(0))
                .body("runners.id", contains(newer.id(), older.id(), never.id()));
        api.person().queryParam("label", "linux").queryParam("label", "gpu").get("/api/runners").then()
                .body("runners.id", contains(older.id()));
        api.person().queryParam("status", "offline").get("/api/runners").then()
                .body("runners.id", contains(never.id()));
        api.person().queryParam("q", "NEVER").get("/api/runners").then().body("runners.id", contains(never.id()));
        api.person().queryParam("limit", 1).queryParam("offset", 1).get("/api/runners").then()
                .body("total", equalTo(3)).body("runners.id", contains(older.id()));
        api.person().queryParam("page", 2).queryParam("per_page", 2).get("/api/runners").then()
                .body("page", equalTo(2)).body("per_page", equalTo(2)).body("offset", equalTo(2))
                .body("runners.id", contains(never.id()));
    }

    @Test
    void paginationBoundsAndBadFiltersAre400() {
        Api api = Api.newTenant();
        for (String[] bad : new String[][]{{"limit", "0"}, {"limit", "201"}, {"offset", "-1"}, {"page", "0"},
                {"per_page", "201"}, {"limit", "ten"}, {"status", "sleeping"}, {"label", "UPPER"}}) {
            api.person().queryParam(bad[0], bad[1]).get("/api/runners").then().statusCode(400)
                    .body("errors.field", hasItem(bad[0]));
        }
        api.person().queryParam("limit", 200).get("/api/runners").then().statusCode(200).body("limit", equalTo(200));
    }

    @Test
    void anotherTenantsRunnerIs404Everywhere() {
        Api owner = Api.newTenant();
        Api stranger = Api.newTenant();
        Api.RunnerRef runner = owner.createRunner("mine", List.of(), 1);
        String path = "/api/runners/" + runner.id();
        stranger.person().get(path).then().statusCode(404).contentType("application/problem+json");
        stranger.person().body(Map.of("name", "stolen")).put(path).then().statusCode(404);
        stranger.person().body(Map.of("name", "stolen")).patch(path).then().statusCode(404);
        stranger.person().delete(path).then().statusCode(404);
        for (String action : List.of("regenerate-token", "mark-offline", "drain", "resume")) {
            stranger.person().post(path + "/" + action).then().statusCode(404);
        }
        stranger.person().get(path + "/setup-info").then().statusCode(404);
        stranger.person().get(path + "/jobs").then().statusCode(404);
        owner.person().get(path).then().statusCode(200).body("runner.name", equalTo("mine"));
        stranger.person().get("/api/runners").then().body("total", equalTo(0));
    }

    @Test
    void putAndPatchChangeOnlyGivenFields() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("before", List.of("a"), 3);
        String path = "/api/runners/" + runner.id();
        api.person().body(Map.of("name", "after", "labels", List.of("b", "c"))).put(path).then().statusCode(200)
                .body("runner.name", equalTo("after")).body("runner.labels", contains("b", "c"))
                .body("runner.max_concurrency", equalTo(3));
        api.person().body(Map.of("max_concurrency", 7, "capabilities", Map.of("platforms", List.of("ios"))))
                .patch(path).then().statusCode(200)
                .body("runner.name", equalTo("after")).body("runner.max_concurrency", equalTo(7))
                .body("runner.capabilities.platforms", contains("ios"));
        api.person().body(Map.of("max_concurrency", 0, "labels", List.of("Nope"))).patch(path).then().statusCode(400)
                .body("errors.field", containsInAnyOrder("max_concurrency", "labels[0]"));
        api.person().get(path).then().body("runner.max_concurrency", equalTo(7));
    }

    @Test
    void deleteKillsTheTokenAtOnce() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        api.person().delete("/api/runners/" + runner.id()).then().statusCode(204);
        api.person().get("/api/runners/" + runner.id()).then().statusCode(404);
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401);
    }

    @Test
    void regenerateTokenReplacesTheOldOne() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        Response answer = api.person().post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(200)
                .body("token", matchesPattern("^rn_[A-Za-z0-9_-]{43}$")).extract().response();
        String fresh = answer.path("token");
        org.junit.jupiter.api.Assertions.assertEquals(fresh.substring(0, 7), answer.path("token_prefix"));
        Api.runner(runner.token()).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401);
        Api.runner(fresh).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
    }

    @Test
    void regenerateIsLimitedToFivePerHourPerPerson() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r", List.of(), 1);
        for (int i = 0; i < 5; i++) {
            api.person().post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(200);
        }
        api.person().post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", matchesPattern("\\d+"));
        // another person of the same tenant has their own allowance
        String colleague = Tokens.person(api.tenant, "colleague-" + System.nanoTime(), "runners:manage");
        given().auth().oauth2(colleague).post("/api/runners/" + runner.id() + "/regenerate-token").then().statusCode(200);
    }

    @Test
    void drainSurvivesHeartbeatsUntilResumed() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 2);
        String path = "/api/runners/" + runner.id();
        api.person().post(path + "/drain").then().statusCode(200).body("runner.status", equalTo("draining"));
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then()
                .statusCode(200).body("status", equalTo("draining"));
        api.person().get("/api/runners/available").then().body("total", equalTo(0));
        api.person().post(path + "/resume").then().statusCode(200).body("runner.status", equalTo("online"));
        api.person().get("/api/runners/available").then().body("runners.id", contains(runner.id()));
    }

    @Test
    void markOfflineAndHeartbeatBringsItBack() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 2);
        api.person().post("/api/runners/" + runner.id() + "/mark-offline").then().statusCode(200)
                .body("runner.status", equalTo("offline"));
        Api.runner(runner.token()).body(Map.of("version", "2.0.0", "active_jobs", 1,
                        "system_info", Map.of("cpu", 0.5))).post("/api/runners/" + runner.id() + "/heartbeat")
                .then().statusCode(200).body("status", equalTo("online")).body("cancel_job_ids.size()", equalTo(0))
                .body("server_time", matchesPattern(".*Z$"));
        api.person().get("/api/runners/" + runner.id()).then()
                // active_jobs is the service's count of jobs the runner holds, not what it reports
                .body("runner.version", equalTo("2.0.0")).body("runner.active_jobs", equalTo(0))
                .body("runner.system_info.cpu", equalTo(0.5f)).body("runner.last_heartbeat_at", matchesPattern(".*Z$"));
    }

    @Test
    void aDrainOutlastsMarkingTheRunnerOffline() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String path = "/api/runners/" + runner.id();
        api.person().post(path + "/drain").then().statusCode(200).body("runner.status", equalTo("draining"));
        api.person().post(path + "/mark-offline").then().statusCode(200).body("runner.status", equalTo("offline"));
        // back by its heartbeat, still draining: only resume ends a drain a person asked for
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then()
                .statusCode(200).body("status", equalTo("draining"));
        api.person().get("/api/runners/available").then().body("runners.id", not(hasItem(runner.id())));
        api.person().post(path + "/resume").then().statusCode(200).body("runner.status", equalTo("online"));
    }

    @Test
    void anyCallOfARunnerMarkedOfflineBringsItBack() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        api.person().post("/api/runners/" + runner.id() + "/mark-offline").then().statusCode(200)
                .body("runner.status", equalTo("offline"));
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        api.person().get("/api/runners/" + runner.id()).then().body("runner.status", equalTo("online"));
    }

    @Test
    void heartbeatStatusesAndAvailability() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 2);
        Api.runner(runner.token()).body(Map.of("status", "busy")).post("/api/runners/heartbeat").then()
                .body("status", equalTo("busy"));
        api.person().get("/api/runners/available").then().body("runners.id", contains(runner.id()));
        // the runner's own active_jobs changes nothing: the service counts what it holds
        Api.runner(runner.token()).body(Map.of("status", "online", "active_jobs", 2)).post("/api/runners/heartbeat")
                .then().body("status", equalTo("online"));
        api.person().get("/api/runners/available").then().body("runners.id", contains(runner.id()));
        api.enqueue("t", List.of());
        api.enqueue("t", List.of());
        Api.runner(runner.token()).body(Map.of("limit", 2)).post("/api/runners/jobs/claim").then().statusCode(200);
        Api.runner(runner.token()).body(Map.of("status", "online", "active_jobs", 0)).post("/api/runners/heartbeat")
                .then().body("status", equalTo("busy"));
        api.person().get("/api/runners/available").then().body("total", equalTo(0));
        api.person().get("/api/runners/" + runner.id()).then().body("runner.active_jobs", equalTo(2));
        Api.runner(runner.token()).body(Map.of("status", "sleepy", "active_jobs", -1)).post("/api/runners/heartbeat")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("status", "active_jobs"));
        Api.RunnerRef other = api.onlineRunner(List.of(), 1);
        Api.runner(other.token()).body(Map.of()).post("/api/runners/" + runner.id() + "/heartbeat").then().statusCode(404);
    }

    @Test
    void setupInfoNeverShowsTheTokenAndTheScriptWritesAPrivateConfig() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("installer", List.of("linux"), 1);
        api.person().get("/api/runners/" + runner.id() + "/setup-info").then().statusCode(200)
                .body("runner_id", equalTo(runner.id())).body("name", equalTo("installer"))
                .body("labels", contains("linux")).body("server_url", startsWith("http"))
                .body("install_command", containsString("/api/runners/" + runner.id() + "/setup"))
                .body("config.runner_id", equalTo(runner.id()))
                .body(not(containsString(runner.token())));
        String script = given().queryParam("token", runner.token()).get("/api/runners/" + runner.id() + "/setup")
                .then().statusCode(200).contentType("text/x-shellscript").extract().asString();
        org.assertj.core.api.Assertions.assertThat(script).startsWith("#!/bin/sh").contains("chmod 600")
                .contains("umask 077").contains(runner.token()).contains(runner.id());
        given().queryParam("token", "rn_wrong").get("/api/runners/" + runner.id() + "/setup").then().statusCode(401);
        given().get("/api/runners/" + runner.id() + "/setup").then().statusCode(401);
        Api.RunnerRef other = api.createRunner("other", List.of(), 1);
        given().queryParam("token", other.token()).get("/api/runners/" + runner.id() + "/setup").then().statusCode(401);
    }

    @Test
    void installScriptRunsUnderShAndWritesMode0600() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("sh-test", List.of(), 1);
        String script = given().queryParam("token", runner.token()).get("/api/runners/" + runner.id() + "/setup")
                .then().statusCode(200).extract().asString();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("paddock-setup");
        ProcessBuilder builder = new ProcessBuilder("sh", "-s");
        builder.environment().put("PADDOCK_HOME", dir.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.redirectErrorStream(true).start();
        process.getOutputStream().write(script.getBytes());
        process.getOutputStream().close();
        org.junit.jupiter.api.Assertions.assertEquals(0, process.waitFor());
        java.nio.file.Path config = dir.resolve("runner.json");
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.getPosixFilePermissions(config))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(config)).contains(runner.token());
    }

    @Test
    void runnerJobsIsAPageEvenWhenEmpty() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r", List.of(), 1);
        api.person().get("/api/runners/" + runner.id() + "/jobs").then().statusCode(200)
                .body("jobs.size()", equalTo(0)).body("total", equalTo(0)).body("limit", equalTo(50))
                .body("offset", equalTo(0));
    }

    /** "The jobs this runner has run or runs": a job it held stays its own once requeued or claimed by another. */
    @Test
    void aRunnersJobsKeepTheJobsItHeldBeforeTheyWereRequeued() {
        Api api = Api.newTenant();
        Api.RunnerRef first = api.onlineRunner(List.of(), 1);
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("build", List.of());
        assertEquals(job, Api.claimOne(first.token()).get("id"));
        // the first runner leaves: its job goes back to the queue, still one of the jobs it ran
        Api.runner(first.token()).delete("/api/runners/" + first.id()).then().statusCode(204);
        api.person().get("/api/runners/" + first.id() + "/jobs").then().statusCode(200)
                .body("total", equalTo(1)).body("jobs.id", contains(job)).body("jobs[0].status", equalTo("queued"));
        api.person().get("/api/runners/" + first.id() + "/pods?status=pending").then().statusCode(200)
                .body("total", equalTo(1)).body("pods.size()", equalTo(1));

        assertEquals(job, Api.claimOne(second.token()).get("id"));
        for (Api.RunnerRef runner : List.of(first, second)) {
            api.person().get("/api/runners/" + runner.id() + "/jobs").then()
                    .body("total", equalTo(1)).body("jobs.id", contains(job)).body("jobs[0].status", equalTo("running"));
        }
        api.person().get("/api/runners/" + first.id() + "/jobs?status=queued").then().body("total", equalTo(0));

        // back with the first runner after the second left: listed once, not as run and as held before
        Api.runner(second.token()).delete("/api/runners/" + second.id()).then().statusCode(204);
        assertEquals(job, Api.claimOne(first.token()).get("id"));
        api.person().get("/api/runners/" + first.id() + "/jobs").then().body("total", equalTo(1)).body("jobs.id", contains(job));
        api.person().get("/api/runners/" + first.id() + "/jobs?limit=1&offset=1").then().body("total", equalTo(1))
                .body("jobs.size()", equalTo(0));
    }

    @Test
    void runnerPatchesItsOwnDescriptionButNotItsLabels() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        Api.runner(runner.token()).body(Map.of("version", "3.1.0", "os", "linux", "arch", "arm64"))
                .patch("/api/runners/" + runner.id()).then().statusCode(200)
                .body("runner.version", equalTo("3.1.0")).body("runner.arch", equalTo("arm64"))
                .body("runner.labels", contains("linux"));
        Api.runner(runner.token()).body(Map.of("labels", List.of("gpu"), "max_concurrency", 50, "name", "renamed"))
                .patch("/api/runners/" + runner.id()).then().statusCode(200)
                .body("runner.labels", contains("linux")).body("runner.max_concurrency", equalTo(1))
                .body("runner.name", equalTo("renamed"));
        Api.RunnerRef other = api.onlineRunner(List.of(), 1);
        Api.runner(other.token()).body(Map.of("version", "x")).patch("/api/runners/" + runner.id()).then().statusCode(404);
    }

    @Test
    void runnerDeregistersItself() throws InterruptedException {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        // calls made just before leaving are signs of life too, but they must not undo the leaving
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        Api.runner(runner.token()).delete("/api/runners/" + runner.id()).then().statusCode(204);
        api.person().get("/api/runners/" + runner.id()).then().statusCode(200).body("runner.status", equalTo("offline"));
        Thread.sleep(600); // past the batched signs of life
        api.person().get("/api/runners/" + runner.id()).then().statusCode(200).body("runner.status", equalTo("offline"));
    }

    @Test
    void markOfflineIsNotUndoneByCallsMadeBeforeIt() throws InterruptedException {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(204);
        api.person().post("/api/runners/" + runner.id() + "/mark-offline").then().statusCode(200);
        Thread.sleep(600); // past the batched signs of life
        api.person().get("/api/runners/" + runner.id()).then().body("runner.status", equalTo("offline"));
    }

    /** A free-text filter holding NUL is refused by name, even when nothing else is in it; a number too large says so. */
    @Test
    void aNulInATextFilterIsNamedAndABoundSaysWhichSideItIsOn() {
        Api api = Api.newTenant();
        for (String q : List.of("a\u0000b", "\u0000")) {
            api.person().queryParam("q", q).get("/api/runners").then().statusCode(400)
                    .body("errors.field", contains("q"));
        }
        api.person().queryParam("repository", "x\u0000").get("/api/jobs").then().statusCode(400)
                .body("errors.field", contains("repository"));
        api.person().queryParam("offset", "2147483648").get("/api/runners").then().statusCode(400)
                .body("errors[0].field", equalTo("offset")).body("errors[0].message", equalTo("must be at most 2147483647"));
        api.person().queryParam("offset", "-1").get("/api/runners").then().statusCode(400)
                .body("errors[0].message", equalTo("must be at least 0"));
    }
}
