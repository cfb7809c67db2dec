package dev.paddock.joblog;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * A batch of lines is stored as one row, yet every read sees lines: a page starts and ends
 * anywhere inside a batch, filters skip as many batches as they must, each line keeps its own
 * level, timestamp and data, and a runner's numbered batch overlapping what it sent before stores
 * only its new lines, in order.
 */
@QuarkusTest
public class LogBatchesTest {

    @Test
    void everyPageOfBatchesOfEverySizeReadsTheLinesInOrder() {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        List<String> all = new ArrayList<>();
        for (int size : new int[]{1, 3, 7, 1, 2, 5}) {
            List<String> batch = IntStream.range(0, size).mapToObj(i -> "line " + (all.size() + i + 1)).toList();
            all.addAll(batch);
            send(job, Map.of("lines", batch));
        }
        for (int after = 0; after <= all.size(); after++) {
            for (int limit : new int[]{1, 4, 30}) {
                List<String> expected = all.subList(after, Math.min(all.size(), after + limit));
                Response page = api.person().queryParam("after", after).queryParam("limit", limit)
                        .get("/api/jobs/" + job.jobId() + "/logs").then().statusCode(200).extract().response();
                assertThat(page.<List<String>>path("logs.message")).as("after %d, limit %d", after, limit)
                        .containsExactlyElementsOf(expected);
                assertThat(page.<List<Integer>>path("logs.seq")).as("after %d, limit %d", after, limit)
                        .containsExactlyElementsOf(IntStream.rangeClosed(after + 1, after + expected.size()).boxed().toList());
                assertThat(((Number) page.path("next_after")).intValue()).isEqualTo(after + expected.size());
            }
        }
    }

    @Test
    void aFilterReadsOnPastBatchesWithoutAMatchingLine() {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        for (int batch = 0; batch < 60; batch++) { // 12,000 info lines, more than a page can be
            int first = batch * 200;
            send(job, Map.of("lines", IntStream.range(first, first + 200).mapToObj(i -> "info " + i).toList()));
        }
        send(job, Map.of("lines", List.of(Map.of("level", "info", "message", "still info"),
                Map.of("level", "error", "message", "the failure"), Map.of("level", "warn", "message", "a warning"))));

        api.person().queryParam("level", "error").queryParam("limit", 1).get("/api/jobs/" + job.jobId() + "/logs")
                .then().statusCode(200).body("logs.message", contains("the failure")).body("logs.seq", contains(12_002))
                .body("next_after", equalTo(12_002));
        api.person().queryParam("level", "warn").queryParam("after", 5).get("/api/jobs/" + job.jobId() + "/logs")
                .then().statusCode(200).body("logs.message", contains("the failure", "a warning"));
        api.person().queryParam("level", "error").queryParam("after", 12_002).get("/api/jobs/" + job.jobId() + "/logs")
                .then().statusCode(200).body("logs", equalTo(List.of())).body("next_after", equalTo(12_002));
    }

    @Test
    void eachLineKeepsItsOwnLevelTimestampAndData() {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        Map<String, Object> withData = new HashMap<>(Map.of("timestamp", "2026-01-02T03:04:05.678Z", "level", "warn",
                "message", "with data", "data", Map.of("file", "a.c", "line", 3)));
        send(job, Map.of("lines", List.of(Map.of("timestamp", "2026-01-02T03:04:05Z", "message", "plain"), withData,
                "a string")));
        send(job, Map.of("lines", List.of(Map.of("timestamp", "2026-01-02T03:04:06Z", "level", "debug",
                "message", "no data in this batch"))));

        api.person().get("/api/jobs/" + job.jobId() + "/logs").then().statusCode(200)
                .body("logs.message", contains("plain", "with data", "a string", "no data in this batch"))
                .body("logs.level", contains("info", "warn", "info", "debug"))
                .body("logs[0].timestamp", equalTo("2026-01-02T03:04:05Z"))
                .body("logs[1].timestamp", equalTo("2026-01-02T03:04:05.678Z"))
                .body("logs[0].data", equalTo(null)).body("logs[1].data.file", equalTo("a.c"))
                .body("logs[1].data.line", equalTo(3)).body("logs[2].data", equalTo(null))
                .body("logs[3].data", equalTo(null)).body("logs.attempt", contains(1, 1, 1, 1));
        api.person().queryParam("since", "2026-01-02T03:04:05.678Z").get("/api/jobs/" + job.jobId() + "/logs")
                .then().statusCode(200).body("logs.message", contains("with data", "a string", "no data in this batch"));
    }

    @Test
    void aNumberedBatchAroundLinesAlreadySentStoresTheRestInOrder() {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        send(job, Map.of("offset", 2, "lines", List.of("c", "d")));
        send(job, Map.of("offset", 6, "lines", List.of("g")));
        send(job, Map.of("offset", 0, "lines", List.of("a", "b", "c", "d", "e", "f", "g", "h")))
                .body("accepted", equalTo(8)).body("next_offset", equalTo(8));
        // each of its three runs of new numbers is found as sent when the whole batch comes again
        send(job, Map.of("offset", 0, "lines", List.of("a", "b", "c", "d", "e", "f", "g", "h")));
        send(job, Map.of("offset", 5, "lines", List.of("f", "g", "h", "i")));

        api.person().get("/api/jobs/" + job.jobId() + "/logs").then().statusCode(200)
                .body("logs.message", contains("c", "d", "g", "a", "b", "e", "f", "h", "i"))
                .body("logs.seq", contains(1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    private static io.restassured.response.ValidatableResponse send(Api.RunningJob job, Map<String, Object> body) {
        return Api.runner(job.runner().token()).header("X-Lease-Id", job.lease()).body(body)
                .post("/api/runners/jobs/" + job.jobId() + "/logs").then().statusCode(200);
    }
}
