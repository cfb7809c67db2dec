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
