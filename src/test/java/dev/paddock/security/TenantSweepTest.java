package dev.paddock.security;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Tenant isolation over every route the OpenAPI document publishes: each operation with a path
 * parameter is called by another tenant (its JWT with every scope, its runner token, its API key)
 * with the owner's ids in the path and bodies that pass validation. None succeeds, none answers
 * with the owner's data, and afterwards the owner's runner, jobs, lease and key work as before.
 */
@QuarkusTest
public class TenantSweepTest {

    private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 405, 415);

    @Test
    @SuppressWarnings("unchecked")
    void noRouteLetsAnotherTenantSeeOrChangeAnything() {
        Api owner = Api.newTenant();
        String marker = "owned-" + System.nanoTime();
        String runnerName = marker + "-runner";
        Api.RunnerRef runner = owner.createRunner(runnerName, List.of(marker), 2);
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        String secret = marker + "-secret";
        String jobId = owner.enqueue(Map.of("type", "t", "name", marker + "-job", "labels", List.of(marker),
                "secrets", Map.of("S", secret)));
        Map<String, Object> claimed = Api.claimOne(runner.token());
        String lease = (String) claimed.get("lease_id");
        String queuedJob = owner.enqueue(Map.of("type", "t", "name", marker + "-queued", "labels", List.of(marker, "never")));
        Map<String, Object> keyCreated = owner.person().body(Map.of("name", marker + "-key", "scopes", List.of("jobs:manage")))
                .post("/api/api-keys").then().statusCode(201).extract().as(Map.class);
        String keyId = (String) ((Map<String, Object>) keyCreated.get("api_key")).get("id");
        String key = (String) keyCreated.get("key");

        Api intruder = Api.newTenant();
        String intruderKey = intruder.person().body(Map.of("name", "k", "scopes", List.of("runners:manage", "runners:register", "jobs:manage")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        List<Map<String, String>> credentials = List.of(
                Map.of("Authorization", "Bearer " + intruder.jwt, "X-Runner-Token", intruder.onlineRunner(List.of(), 5).token()),
                Map.of("Authorization", "Bearer " + intruder.onlineRunner(List.of(), 5).token(), "x-api-key", intruderKey));
        List<String> bodies = List.of("{}", "{\"status\":\"running\",\"name\":\"hijacked\",\"lines\":[\"intruder\"]}",
                "{\"status\":\"success\"}");

        Map<String, Object> paths = (Map<String, Object>) given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        List<String> leaks = new ArrayList<>();
        Map<Integer, Integer> answers = new TreeMap<>();
        int calls = 0;
        for (var entry : paths.entrySet()) {
            String template = entry.getKey();
            if (!template.contains("{")) {
                continue;
            }
            for (String method : ((Map<String, Object>) entry.getValue()).keySet()) {
                if (!Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                    continue;
                }
                for (String orgOf : template.contains("{org}") ? List.of(owner.tenant, intruder.tenant) : List.of("")) {
                    String path = fill(template, orgOf, runner.id(), jobId, keyId);
                    for (Map<String, String> headers : credentials) {
                        for (String body : method.equals("get") || method.equals("delete") ? List.of("") : bodies) {
                            RequestSpecification request = given().headers(headers).header("X-Lease-Id", lease);
                            if (!body.isEmpty()) {
                                request = request.contentType(ContentType.JSON).body(body);
                            }
                            Response response = request.queryParam("wait_seconds", 0)
                                    .request(method.toUpperCase(), path).andReturn();
                            calls++;
                            answers.merge(response.statusCode(), 1, Integer::sum);
                            String text = response.asString();
                            boolean namesOwner = path.contains(owner.tenant) || path.contains(runner.id())
                                    || path.contains(jobId) || path.contains(keyId);
                            boolean answersOwnerData = text.contains(marker)
                                    || text.contains(jobId) && !path.contains(jobId)
                                    || text.contains(runner.id()) && !path.contains(runner.id());
                            if (namesOwner && !REFUSALS.contains(response.statusCode()) || response.statusCode() >= 500
                                    || answersOwnerData) {
                                leaks.add(method.toUpperCase() + " " + path + " as " + headers.keySet() + " " + body
                                        + " -> " + response.statusCode() + " " + text);
                            }
                        }
                    }
                }
            }
        }
        // a body naming the owner's ids on routes that take them there
        for (Map<String, String> headers : credentials) {
            Response register = given().headers(headers).contentType(ContentType.JSON)
                    .body(Map.of("id", runner.id(), "name", "hijacked")).post("/api/runners/register").andReturn();
            Response status = given().headers(headers).contentType(ContentType.JSON)
                    .body(Map.of("job_id", jobId, "status", "running")).post("/api/runners/jobs/status").andReturn();
            for (Response response : List.of(register, status)) {
                calls++;
                if (!Set.of(401, 403, 404, 409).contains(response.statusCode()) || response.asString().contains(marker)) {
                    leaks.add("body with the owner's id -> " + response.statusCode() + " " + response.asString());
                }
            }
        }

        assertThat(leaks).as("%d calls answered %s", calls, answers).isEmpty();
        assertThat(calls).isGreaterThan(150);

        owner.person().get("/api/runners/" + runner.id()).then().statusCode(200)
                .body("runner.name", equalTo(runnerName)).body("runner.status", equalTo("online"));
        owner.person().get("/api/jobs/" + jobId).then().statusCode(200).body("job.status", equalTo("running"));
        owner.person().get("/api/jobs/" + queuedJob).then().statusCode(200).body("job.status", equalTo("queued"));
        owner.person().get("/api/jobs/" + jobId + "/logs").then().statusCode(200).body("logs.size()", equalTo(0));
        Api.runner(runner.token()).header("X-Lease-Id", lease).get("/api/runners/jobs/" + jobId + "/secrets")
                .then().statusCode(200).body("secrets.S", equalTo(secret));
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(200);
        owner.person().get("/api/api-keys").then().statusCode(200).body("api_keys.size()", equalTo(1));
    }

    private static String fill(String template, String org, String runnerId, String jobId, String keyId) {
        Matcher matcher = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String before = template.substring(0, matcher.start());
            String value = switch (matcher.group(1)) {
                case "org" -> org;
                case "runner_id" -> runnerId;
                case "job_id" -> jobId;
                default -> before.endsWith("/api-keys/") ? keyId
                        : before.endsWith("/runners/") ? runnerId : jobId;
            };
            matcher.appendReplacement(path, value);
        }
        return matcher.appendTail(path).toString();
    }
}
