package dev.paddock.joblog;

import dev.paddock.support.Api;
import dev.paddock.support.Background;
import dev.paddock.support.LogStreamClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * Runners number their lines from 0 or from 1 (or not at all); whichever they do, every accepted
 * line is read back by the default read, by paging with after=next_after from 0, and by the SSE
 * backlog, and a resent batch is stored once.
 */
@QuarkusTest
public class LogNumberingTest {

    private static final Pattern SSE_DATA = Pattern.compile("\"message\":\"([^\"]*)\"");

    @TestHTTPResource("/")
    URL base;

    @ParameterizedTest(name = "runner numbers its lines from {0}")
    @ValueSource(longs = {0, 1})
    void everyAcceptedLineIsReadBackOnce(long first) throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        String logs = "/api/runners/jobs/" + job.jobId() + "/logs";
        send(job, logs, Map.of("lines", List.of("a", "b"), "offset", first)).body("next_offset", equalTo((int) first + 2));
        // a resent batch, and one overlapping what was sent, store only what is new
        send(job, logs, Map.of("lines", List.of("a", "b"), "offset", first)).body("accepted", equalTo(2));
        send(job, logs, Map.of("lines", List.of("b", "c"), "offset", first + 1)).body("next_offset", equalTo((int) first + 3));
        send(job, logs, Map.of("lines", List.of("d")));

        api.person().get("/api/jobs/" + job.jobId() + "/logs").then().statusCode(200)
                .body("logs.message", contains("a", "b", "c", "d")).body("logs.seq", contains(1, 2, 3, 4))
                .body("next_after", equalTo(4));
        assertThat(pageOneByOne(api, job.jobId())).containsExactly("a", "b", "c", "d");

        Api.runner(job.runner().token()).header("X-Lease-Id", job.lease()).body(Map.of("status", "success"))
                .post("/api/runners/jobs/" + job.jobId() + "/result").then().statusCode(200);
        assertThat(streamed(api, job.jobId(), null)).containsExactly("a", "b", "c", "d");
        assertThat(streamed(api, job.jobId(), "0")).containsExactly("a", "b", "c", "d");
        assertThat(streamed(api, job.jobId(), "2")).containsExactly("c", "d");
    }

    /**
     * A runner's retries racing its first sends: each numbered batch sent three times at once, and
     * unnumbered lines alongside. A batch's statement looks for lines already sent before it waits
     * for the job's lock, so a copy stored meanwhile must be found again, not refused or doubled.
     */
    @Test
    void batchesResentAtOnceAreStoredOnceAndNumberedWithoutGaps() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        String logs = "/api/runners/jobs/" + job.jobId() + "/logs";
        List<CompletableFuture<Integer>> sends = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 8; batch++) {
            List<String> lines = new ArrayList<>();
            for (int line = 0; line < 10; line++) {
                lines.add("b" + batch + "-" + line);
            }
            expected.addAll(lines);
            Map<String, Object> body = Map.of("lines", lines, "offset", batch * 10);
            for (int copy = 0; copy < 3; copy++) {
                sends.add(Background.call(() -> Api.runner(job.runner().token()).header("X-Lease-Id", job.lease())
                        .body(body).post(logs).statusCode()));
            }
            String alone = "u" + batch;
            expected.add(alone);
            sends.add(Background.call(() -> Api.runner(job.runner().token()).header("X-Lease-Id", job.lease())
                    .body(Map.of("lines", List.of(alone))).post(logs).statusCode()));
        }
        for (CompletableFuture<Integer> send : sends) {
            assertThat(send.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }

        Response read = api.person().queryParam("limit", 1000).get("/api/jobs/" + job.jobId() + "/logs")
                .then().statusCode(200).extract().response();
        List<String> messages = read.path("logs.message");
        List<Integer> seqs = read.path("logs.seq");
        assertThat(messages).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(seqs).containsExactlyElementsOf(IntStream.rangeClosed(1, expected.size()).boxed().toList());
    }

    private static io.restassured.response.ValidatableResponse send(Api.RunningJob job, String logs, Map<String, Object> body) {
        return Api.runner(job.runner().token()).header("X-Lease-Id", job.lease()).body(body).post(logs)
                .then().statusCode(200);
    }

    /** Pages as a reader would: from after=0, one line a page, with after=next_after until empty. */
    private static List<String> pageOneByOne(Api api, String jobId) {
        List<String> messages = new ArrayList<>();
        long after = 0;
        while (true) {
            Response page = api.person().queryParam("after", after).queryParam("limit", 1)
                    .get("/api/jobs/" + jobId + "/logs").then().statusCode(200).extract().response();
            List<String> lines = page.path("logs.message");
            if (lines.isEmpty()) {
                assertThat(((Number) page.path("next_after")).longValue()).isEqualTo(after);
                return messages;
            }
            messages.addAll(lines);
            after = ((Number) page.path("next_after")).longValue();
        }
    }

    private List<String> streamed(Api api, String jobId, String lastEventId) throws Exception {
        String events = LogStreamClient.open(base.toString(), jobId, api.jwt, lastEventId).get(20, TimeUnit.SECONDS);
        List<String> messages = new ArrayList<>();
        Matcher matcher = SSE_DATA.matcher(events);
        while (matcher.find()) {
            messages.add(matcher.group(1));
        }
        return messages;
    }
}
