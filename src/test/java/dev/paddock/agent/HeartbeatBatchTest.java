package dev.paddock.agent;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats are written in batches shared by every heartbeat arriving meanwhile: each must still
 * answer for its own runner only, renew that runner's leases, and tell it the jobs it must stop,
 * while people cancel jobs and runners finish theirs at the same moment.
 */
@QuarkusTest
class HeartbeatBatchTest {

    private record Held(Api.RunnerRef runner, String jobId, String lease) {
    }

    /**
     * A report PostgreSQL cannot store (a NUL in a system_info key: only string values are refused
     * as the body is read) is that runner's 400, never a 503 for the runners in its batch.
     */
    @Test
    void aReportThatCannotBeStoredFailsItsRunnerAloneNotItsBatch() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef poisoned = api.onlineRunner(List.of(), 1);
        List<Api.RunnerRef> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            others.add(api.onlineRunner(List.of(), 1));
        }
        String nulKey = "{\"status\": \"online\", \"system_info\": {\"cpu\\u0000\": 1}}";
        Api.runner(poisoned.token()).body(nulKey).post("/api/runners/heartbeat").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.contains("system_info"));
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(7);
        try {
            List<Future<?>> work = new ArrayList<>();
            work.add(threads.submit(() -> {
                for (int n = 0; n < 30; n++) {
                    int status = Api.runner(poisoned.token()).body(nulKey).post("/api/runners/heartbeat").statusCode();
                    if (status != 400) {
                        wrong.add("the poisoned report answered " + status);
                    }
                }
            }));
            for (Api.RunnerRef other : others) {
                work.add(threads.submit(() -> {
                    for (int n = 0; n < 30; n++) {
                        int status = Api.runner(other.token()).body(Map.of("status", "online", "system_info", Map.of("cpu", 1)))
                                .post("/api/runners/heartbeat").statusCode();
                        if (status != 200) {
                            wrong.add("a runner beside it answered " + status);
                        }
                    }
                }));
            }
            for (Future<?> each : work) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void concurrentHeartbeatsAnswerEachRunnerForItselfWhileJobsAreCancelledAndFinished() throws Exception {
        Api api = Api.newTenant();
        List<Held> held = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Api.RunningJob running = api.runningJob();
            held.add(new Held(running.runner(), running.jobId(), running.lease()));
        }
        Set<String> cancelled = ConcurrentHashMap.newKeySet();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                work.add(threads.submit(() -> {
                    for (int n = 0; n < 40; n++) {
                        Held one = held.get(ThreadLocalRandom.current().nextInt(held.size()));
                        Response beat = Api.runner(one.runner().token()).body(Map.of("status", "busy"))
                                .post("/api/runners/heartbeat").andReturn();
                        if (beat.statusCode() != 200 || !one.runner().id().equals(beat.path("runner_id"))) {
                            wrong.add(beat.statusCode() + " " + beat.asString());
                            continue;
                        }
                        List<String> stops = beat.path("cancel_job_ids");
                        for (String stop : stops) {
                            if (!stop.equals(one.jobId())) {
                                wrong.add("runner " + one.runner().id() + " told to stop " + stop);
                            }
                        }
                    }
                }));
            }
            work.add(threads.submit(() -> {
                for (int i = 0; i < 8; i++) {
                    Held one = held.get(i);
                    api.person().body(Map.of("reason", "no longer needed")).post("/api/jobs/" + one.jobId() + "/cancel")
                            .then().statusCode(200);
                    cancelled.add(one.jobId());
                }
            }));
            work.add(threads.submit(() -> {
                for (int i = 8; i < 16; i++) {
                    Held one = held.get(i);
                    Api.runner(one.runner().token()).header("X-Lease-Id", one.lease()).body(Map.of("status", "success"))
                            .post("/api/runners/jobs/" + one.jobId() + "/result").then().statusCode(200);
                }
            }));
            for (Future<?> each : work) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(wrong).isEmpty();
        for (Held one : held) {
            Response beat = Api.runner(one.runner().token()).body(Map.of()).post("/api/runners/heartbeat")
                    .then().statusCode(200).extract().response();
            List<String> stops = beat.path("cancel_job_ids");
            if (cancelled.contains(one.jobId())) {
                assertThat(stops).as("a cancelled job is announced to its runner").containsExactly(one.jobId());
            } else {
                assertThat(stops).isEmpty();
            }
        }
        // the jobs still running had their leases renewed by the heartbeats; none expired
        for (Held one : held.subList(16, held.size())) {
            api.person().get("/api/jobs/" + one.jobId()).then().statusCode(200)
                    .body("job.status", org.hamcrest.Matchers.equalTo("running"));
        }
    }
}
