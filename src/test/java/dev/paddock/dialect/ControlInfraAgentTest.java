package dev.paddock.dialect;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** controlinfra's agent routes (DIALECTS.md §3), as its agent calls them. */
@QuarkusTest
public class ControlInfraAgentTest {

    @Test
    void anAgentRunsAJobThroughItsOwnRoutes() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("ci-agent", List.of("terraform"), 1);
        Api.runner(runner.token()).body(Map.of("status", "online", "systemInfo", Map.of("os", "linux", "cpus", 4)))
                .post("/api/runners/heartbeat").then().statusCode(200);
        api.person().get("/api/runners/" + runner.id()).then().body("runner.system_info.cpus", equalTo(4));

        Api.runner(runner.token()).post("/api/runners/jobs").then().statusCode(200)
                .body("success", equalTo(true)).body("data.job", nullValue());
        String job = api.enqueue(Map.of("type", "drift-scan", "labels", List.of("terraform"), "repository", "acme/infra",
                "branch", "main", "payload", Map.of("repository_config", Map.of("path", "envs/prod"))));

        Api.runner(runner.token()).post("/api/runners/jobs").then().statusCode(200)
                .body("success", equalTo(true)).body("data.job._id", equalTo(job)).body("data.job.id", equalTo(job))
                .body("data.job.type", equalTo("drift-scan")).body("data.job.repositoryName", equalTo("acme/infra"))
                .body("data.job.repositoryConfig.path", equalTo("envs/prod")).body("data.job.branch", equalTo("main"))
                .body("data.job.lease_id", notNullValue()).body("data.job.status", equalTo("running"));
        Api.runner(runner.token()).body(Map.of("jobId", job, "status", "running")).post("/api/runners/jobs/status")
                .then().statusCode(200).body("success", equalTo(true)).body("data.job.status", equalTo("running"));
        Api.runner(runner.token()).body(Map.of("jobId", job, "status", "completed", "result", Map.of("drift", 3)))
                .post("/api/runners/jobs/status").then().statusCode(200)
                .body("data.job.status", equalTo("success")).body("data.job.result.drift", equalTo(3));

        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("success"))
                .body("job.result.drift", equalTo(3)).body("job.runner.id", equalTo(runner.id()));
    }

    /** A poll claims: one whose body is not JSON, or not an object, is refused and takes nothing. */
    @Test
    void aPollWithAMalformedBodyClaimsNothing() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("scan", List.of());
        for (String body : List.of("{bad json", "[1,2]", "\"str\"")) {
            Api.runner(runner.token()).body(body).post("/api/runners/jobs").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("queued"));
        Api.runner(runner.token()).body("{}").post("/api/runners/jobs").then().statusCode(200)
                .body("data.job.id", equalTo(job));
    }

    @Test
    void aFailureCarriesItsErrorAndOnlyTheHolderMayReport() {
        Api api = Api.newTenant();
        Api.RunnerRef first = api.onlineRunner(List.of(), 1);
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("scan", List.of());
        Api.runner(first.token()).post("/api/runners/jobs").then().body("data.job.id", equalTo(job));

        // a stale lease id: lease-lost; a runner that never held it, or another tenant's: not found
        Api.runner(first.token()).header("X-Lease-Id", "00000000-0000-0000-0000-000000000000")
                .body(Map.of("jobId", job, "status", "failed")).post("/api/runners/jobs/status").then().statusCode(409)
                .body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        Api.runner(second.token()).body(Map.of("job_id", job, "status", "failed")).post("/api/runners/jobs/status")
                .then().statusCode(404);
        Api.RunnerRef stranger = Api.newTenant().onlineRunner(List.of(), 1);
        Api.runner(stranger.token()).body(Map.of("jobId", job, "status", "failed")).post("/api/runners/jobs/status")
                .then().statusCode(404);

        Api.runner(first.token()).body(Map.of("jobId", job, "status", "failed", "error", "terraform init failed"))
                .post("/api/runners/jobs/status").then().statusCode(200)
                .body("data.job.status", equalTo("failure")).body("data.job.error", equalTo("terraform init failed"));
        Api.runner(first.token()).body(Map.of("jobId", job, "status", "done")).post("/api/runners/jobs/status")
                .then().statusCode(400).body("errors.field", hasItem("status"));
        // the fields are named as controlinfra writes them, each once, whatever went wrong with it
        Api.runner(first.token()).body(Map.of("status", "failed")).post("/api/runners/jobs/status")
                .then().statusCode(400).body("errors.field", equalTo(List.of("jobId")));
        Api.runner(first.token()).body(Map.of("jobId", "nope", "status", "failed")).post("/api/runners/jobs/status")
                .then().statusCode(400).body("errors.field", equalTo(List.of("jobId")));
        Api.runner(first.token()).body(Map.of("job_id", "nope", "status", "finished")).post("/api/runners/jobs/status")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("job_id", "status"));
    }

    @Test
    void aRunnerThatLostItsJobToAnotherIsFenced() {
        Api api = Api.newTenant();
        Api.RunnerRef first = api.onlineRunner(List.of(), 1);
        Api.RunnerRef second = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("scan", List.of());
        Api.runner(first.token()).post("/api/runners/jobs").then().body("data.job.id", equalTo(job));
        // the first runner deregisters: its job goes back to the queue and the second takes it
        Api.runner(first.token()).delete("/api/runners/" + first.id()).then().statusCode(204);
        Api.runner(second.token()).post("/api/runners/jobs").then().body("data.job.id", equalTo(job));
        Api.runner(first.token()).body(Map.of("jobId", job, "status", "completed")).post("/api/runners/jobs/status")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/lease-lost"));
        Api.runner(second.token()).body(Map.of("jobId", job, "status", "completed")).post("/api/runners/jobs/status")
                .then().statusCode(200).body("data.job.status", equalTo("success"));
    }

    @Test
    void aCancelledJobTellsTheAgentToStop() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String job = api.enqueue("scan", List.of());
        Api.runner(runner.token()).post("/api/runners/jobs").then().body("data.job.id", equalTo(job));
        api.person().body(Map.of()).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
        Api.runner(runner.token()).body(Map.of("jobId", job, "status", "running")).post("/api/runners/jobs/status")
                .then().statusCode(409).body("type", equalTo("https://paddock.dev/problems/job-cancelled"));
    }
}
