package dev.paddock.support;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** A tenant's view of the API for tests: a person with every scope, and helpers for runners. */
public final class Api {

    public final String tenant;
    public final String jwt;

    private Api(String tenant) {
        this.tenant = tenant;
        this.jwt = Tokens.person(tenant, Tokens.ALL_SCOPES);
    }

    public static Api newTenant() {
        return new Api(Tokens.newTenant());
    }

    public RequestSpecification person() {
        return given().auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    public static RequestSpecification runner(String token) {
        return given().header("X-Runner-Token", token).contentType(ContentType.JSON);
    }

    public record RunnerRef(String id, String token) {
    }

    public RunnerRef createRunner(String name, List<String> labels, int maxConcurrency) {
        Response response = person().body(Map.of("name", name, "labels", labels, "max_concurrency", maxConcurrency))
                .post("/api/runners").then().statusCode(201).extract().response();
        return new RunnerRef(response.path("runner.id"), response.path("runner.token"));
    }

    /** A runner that has heartbeated, so it is online and may claim. */
    public RunnerRef onlineRunner(List<String> labels, int maxConcurrency) {
        RunnerRef runner = createRunner("runner-" + System.nanoTime(), labels, maxConcurrency);
        runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        return runner;
    }

    public String enqueue(Map<String, Object> body) {
        return person().body(body).post("/api/jobs").then().statusCode(201).extract().path("job.id");
    }

    public String enqueue(String type, List<String> labels) {
        return enqueue(Map.of("type", type, "labels", labels));
    }

    /** A job of this tenant held by a fresh online runner, with the lease of its claim. */
    public record RunningJob(RunnerRef runner, String jobId, String lease) {
    }

    public RunningJob runningJob() {
        RunnerRef runner = onlineRunner(List.of(), 1);
        String jobId = enqueue("t", List.of());
        return new RunningJob(runner, jobId, (String) claimOne(runner.token()).get("lease_id"));
    }

    /** Claims batches of {@code limit} until the queue answers 204; returns the ids claimed. */
    public static List<String> claimUntilEmpty(String token, String baseUri, int limit) {
        List<String> claimed = new java.util.ArrayList<>();
        while (true) {
            RequestSpecification request = runner(token);
            if (baseUri != null) {
                request = request.baseUri(baseUri);
            }
            Response response = request.body(Map.of("limit", limit)).post("/api/runners/jobs/claim").andReturn();
            if (response.statusCode() == 204) {
                return claimed;
            }
            if (response.statusCode() != 200) {
                throw new AssertionError("claim answered " + response.statusCode() + ": " + response.asString());
            }
            claimed.addAll(response.path("jobs.id"));
        }
    }

    /** Claims one job; returns {id, lease_id}. */
    public static Map<String, Object> claimOne(String token) {
        Response response = runner(token).body(Map.of("limit", 1)).post("/api/runners/jobs/claim")
                .then().statusCode(200).extract().response();
        return response.path("jobs[0]");
    }
}
