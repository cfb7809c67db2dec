package dev.paddock.dialect;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** BambooSnow's runs API (DIALECTS.md §5), as its scripts call it. */
@QuarkusTest
public class BambooSnowTest {

    /** A finished review run on a runner, and the runner. */
    private static String[] finishedReview(Api api) {
        Api.RunnerRef runner = api.onlineRunner(List.of(), 2);
        String run = api.enqueue(Map.of("type", "code-review", "repository", "acme/app", "pr_number", 42,
                "commit_sha", "abc123", "commit_message", "Fix login",
                "trigger", Map.of("type", "pull_request", "event", "opened"),
                "pull_request", Map.of("title", "Fix login", "author", "dev", "url", "https://git/acme/app/42")));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success", "summary", "2 issues",
                        "issues", List.of(Map.of("severity", "error", "message", "npe"), Map.of("severity", "info", "message", "style")),
                        "files_reviewed", 5, "lines_analyzed", 340, "tokens_used", Map.of("input", 1000, "output", 200),
                        "actions_taken", List.of(Map.of("type", "comment")),
                        "logs", List.of("cloning", Map.of("level", "warn", "message", "slow"))))
                .post("/api/runners/jobs/" + run + "/result").then().statusCode(200);
        return new String[]{run, runner.id()};
    }

    @Test
    void runsAreListedAndShownUnderBambooSnowsNames() {
        Api api = Api.newTenant();
        String[] review = finishedReview(api);
        String run = review[0];
        String queued = api.enqueue(Map.of("type", "code-review", "repository", "acme/other"));

        api.person().get("/v1/runs").then().statusCode(200)
                .body("meta.total", equalTo(2)).body("meta.page", equalTo(1)).body("meta.per_page", equalTo(50))
                .body("data.id", contains(queued, run));
        api.person().get("/v1/runs?agent_id=" + review[1]).then().statusCode(200)
                .body("data.size()", equalTo(1)).body("data[0].id", equalTo(run))
                .body("data[0].agent_id", equalTo(review[1])).body("data[0].agent_name", notNullValue())
                .body("data[0].repository", equalTo("acme/app")).body("data[0].status", equalTo("success"))
                .body("data[0].trigger", equalTo("pull_request")).body("data[0].pr_number", equalTo(42))
                .body("data[0].started_at", matchesPattern(".*Z$")).body("data[0].duration_ms", notNullValue())
                .body("data[0].issues_found", equalTo(2));
        api.person().get("/v1/runs?repository_id=acme/other&per_page=1&page=1").then().statusCode(200)
                .body("data.id", contains(queued)).body("meta.per_page", equalTo(1));
        api.person().get("/v1/runs?status=queued").then().body("data.id", contains(queued));
        api.person().get("/v1/runs?agent_id=not-a-uuid").then().statusCode(400).body("errors.field", hasItem("agent_id"));

        api.person().get("/v1/runs/" + run).then().statusCode(200)
                .body("id", equalTo(run)).body("agent.id", equalTo(review[1])).body("agent.template", equalTo("code-review"))
                .body("repository.id", equalTo("acme/app")).body("repository.name", equalTo("acme/app"))
                .body("status", equalTo("success")).body("trigger.type", equalTo("pull_request"))
                .body("trigger.event", equalTo("opened")).body("pull_request.number", equalTo(42))
                .body("pull_request.title", equalTo("Fix login")).body("pull_request.author", equalTo("dev"))
                .body("commit.sha", equalTo("abc123")).body("commit.message", equalTo("Fix login"))
                .body("results.summary", equalTo("2 issues")).body("results.issues.size()", equalTo(2))
                .body("results.files_reviewed", equalTo(5)).body("results.lines_analyzed", equalTo(340))
                .body("actions_taken[0].type", equalTo("comment"))
                .body("tokens_used.input", equalTo(1000)).body("tokens_used.output", equalTo(200));
        // not yet run by any runner: its agent has a template and no runner
        api.person().get("/v1/runs/" + queued).then().statusCode(200).body("agent.id", nullValue())
                .body("agent.name", nullValue()).body("agent.template", equalTo("code-review"));

        api.person().get("/v1/runs/" + run + "/logs?level=warn").then().statusCode(200)
                .body("run_id", equalTo(run)).body("logs.message", contains("slow"))
                .body("logs[0].level", equalTo("warn")).body("logs[0].timestamp", matchesPattern(".*Z$"));

        api.person().get("/v1/runs/stats?period=week").then().statusCode(200)
                .body("period", equalTo("week")).body("stats.total_runs", equalTo(2))
                .body("stats.successful", equalTo(1)).body("stats.failed", equalTo(0))
                .body("stats.success_rate", equalTo(0.5f)).body("stats.total_issues_found", equalTo(2))
                .body("stats.issues_by_severity.error", equalTo(1)).body("stats.issues_by_severity.info", equalTo(1))
                .body("daily_breakdown[0].runs", equalTo(2)).body("daily_breakdown[0].successful", equalTo(1));
        api.person().get("/v1/runs/stats?agent_id=" + review[1]).then().body("stats.total_runs", equalTo(1));
    }

    @Test
    void runsAreCancelledAndRetried() {
        Api api = Api.newTenant();
        String run = finishedReview(api)[0];
        String queued = api.enqueue("t", List.of());

        api.person().body(Map.of("reason", "not needed")).post("/v1/runs/" + queued + "/cancel").then().statusCode(200)
                .body("id", equalTo(queued)).body("status", equalTo("cancelled"))
                .body("cancelled_at", matchesPattern(".*Z$"));
        api.person().body(Map.of()).post("/v1/runs/" + queued + "/cancel").then().statusCode(409);
        String retried = api.person().body(Map.of("config_override", Map.of("depth", 2))).post("/v1/runs/" + run + "/retry")
                .then().statusCode(201).body("original_run_id", equalTo(run)).body("status", equalTo("queued"))
                .extract().path("new_run_id");
        api.person().get("/api/jobs/" + retried).then().body("job.original_job_id", equalTo(run))
                .body("job.payload.depth", equalTo(2));
    }

    @Test
    void runsBelongToTheirTenantAndKeysNeedTheScopes() {
        Api api = Api.newTenant();
        String run = api.enqueue("t", List.of());
        Api other = Api.newTenant();
        other.person().get("/v1/runs/" + run).then().statusCode(404);
        other.person().get("/v1/runs").then().body("meta.total", equalTo(0));
        other.person().body(Map.of()).post("/v1/runs/" + run + "/cancel").then().statusCode(404);

        String reader = api.person().body(Map.of("name", "dash", "scopes", List.of("jobs:read"))).post("/api/api-keys")
                .then().statusCode(201).extract().path("key");
        given().header("Authorization", "Bearer " + reader).get("/v1/runs/" + run).then().statusCode(200);
        given().header("Authorization", "Bearer " + reader).contentType("application/json").body(Map.of())
                .post("/v1/runs/" + run + "/cancel").then().statusCode(403);
        given().get("/v1/runs").then().statusCode(401);
    }
}
