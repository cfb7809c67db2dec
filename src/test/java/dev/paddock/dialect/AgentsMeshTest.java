package dev.paddock.dialect;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

/** AgentsMesh's runner API (DIALECTS.md §4), as its clients call it. */
@QuarkusTest
public class AgentsMeshTest {

    @Test
    void runnersShowTheirJobsAsPods() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("gpu"), 3);
        String done = api.enqueue(Map.of("type", "claude-code", "name", "fix the build"));
        String doneLease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", doneLease).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + done + "/result").then().statusCode(200);
        String running = api.enqueue(Map.of("type", "codex", "payload", Map.of("initial_prompt", "add tests")));
        Api.claimOne(runner.token());
        String base = "/api/v1/ext/orgs/" + api.tenant + "/runners";

        api.person().get(base).then().statusCode(200)
                .body("runners.size()", equalTo(1)).body("runners[0].id", equalTo(runner.id()))
                .body("runners[0].status", equalTo("online")).body("runners[0].labels", contains("gpu"))
                .body("runners[0].pod_count", equalTo(1)).body("runners[0].max_pods", equalTo(3))
                .body("runners[0].last_heartbeat_at", matchesPattern(".*Z$"))
                .body("runners[0].created_at", matchesPattern(".*Z$"));
        api.person().get(base + "/available").then().statusCode(200).body("runners.id", contains(runner.id()));
        api.person().get(base + "/" + runner.id()).then().statusCode(200).body("runner.max_pods", equalTo(3));

        api.person().get(base + "/" + runner.id() + "/pods").then().statusCode(200)
                .body("total", equalTo(2)).body("limit", equalTo(50)).body("offset", equalTo(0))
                .body("pods.key", containsInAnyOrder(done, running))
                .body("pods.find { it.key == '" + running + "' }.status", equalTo("running"))
                .body("pods.find { it.key == '" + running + "' }.agent_type_id", equalTo("codex"))
                .body("pods.find { it.key == '" + running + "' }.initial_prompt", equalTo("add tests"))
                .body("pods.find { it.key == '" + done + "' }.status", equalTo("terminated"))
                .body("pods.find { it.key == '" + done + "' }.initial_prompt", equalTo("fix the build"));
        api.person().get(base + "/" + runner.id() + "/pods?status=terminated").then().statusCode(200)
                .body("pods.key", contains(done)).body("total", equalTo(1));
        api.person().get(base + "/" + runner.id() + "/pods?status=pending").then().statusCode(200)
                .body("total", equalTo(0));
        api.person().get(base + "/" + runner.id() + "/pods?status=queued").then().statusCode(400)
                .body("errors.field", hasItem("status"));

        // the canonical API carries the same names
        api.person().get("/api/runners/" + runner.id()).then().body("runner.pod_count", equalTo(1))
                .body("runner.max_pods", equalTo(3));
        api.person().get("/api/runners/" + runner.id() + "/pods?status=running").then().statusCode(200)
                .body("pods.key", contains(running));
    }

    @Test
    void theOrganisationIsTheCallersTenantAndKeysWorkToo() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        Api other = Api.newTenant();
        String base = "/api/v1/ext/orgs/" + api.tenant + "/runners";

        other.person().get(base).then().statusCode(404);
        other.person().get(base + "/" + runner.id()).then().statusCode(404);
        other.person().get("/api/v1/ext/orgs/" + other.tenant + "/runners/" + runner.id()).then().statusCode(404);
        given().header("Authorization", "Bearer " + Tokens.person(api.tenant, "jobs:read")).get(base).then().statusCode(403);
        given().get(base).then().statusCode(401);

        String key = api.person().body(Map.of("name", "mesh", "scopes", List.of("runners:read")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        given().header("X-API-Key", key).get(base).then().statusCode(200).body("runners.id", contains(runner.id()));
        given().header("Authorization", "Bearer " + key).get(base + "/" + runner.id() + "/pods").then().statusCode(200)
                .body("pods.size()", equalTo(0));
    }
}
