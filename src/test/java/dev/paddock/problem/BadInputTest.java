package dev.paddock.problem;

import dev.paddock.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** The reproductions of issue 13 that answered 500: each is now a 4xx problem+json, and nothing is stored. */
@QuarkusTest
public class BadInputTest {

    @TestHTTPResource("/")
    URL base;

    private static final String NUL = String.valueOf((char) 0);

    /** A request line of several KiB (a list's filters) reaches the service: its answer, not the HTTP layer's 414. */
    @Test
    void aLongQueryIsTheServicesToAnswer() {
        Api api = Api.newTenant();
        api.person().queryParam("type", "t".repeat(6_000)).get("/api/jobs").then().statusCode(200).body("total", equalTo(0));
        api.person().queryParam("status", "s".repeat(6_000)).get("/api/jobs").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("status"));
    }

    /** The last page the document allows is answered at every page size; the one after it is a 400. */
    @Test
    void thePagesStopWhereTheDocumentSays() {
        Api api = Api.newTenant();
        int last = dev.paddock.common.PageRequest.MAX_PAGE;
        api.person().queryParam("page", last).queryParam("per_page", 200).get("/api/jobs").then().statusCode(200)
                .body("jobs", org.hamcrest.Matchers.empty());
        api.person().queryParam("page", last + 1).get("/api/jobs").then().statusCode(400)
                .body("errors.field", contains("page"));
    }

    /**
     * A length is counted in characters, as the document's maxLength and PostgreSQL count it: 100 emoji
     * (200 UTF-16 units) are a name of 100, 101 are one too many.
     */
    @Test
    void aLengthCountsCharactersNotUtf16Units() {
        Api api = Api.newTenant();
        String emoji = "\uD83D\uDE80";
        api.person().body(Map.of("name", emoji.repeat(100))).post("/api/runners").then().statusCode(201)
                .body("runner.name", equalTo(emoji.repeat(100)));
        api.person().body(Map.of("name", emoji.repeat(101))).post("/api/runners").then().statusCode(400)
                .body("errors.field", contains("name"));
        api.person().body(Map.of("type", "build", "name", emoji.repeat(200))).post("/api/jobs").then().statusCode(201);

        Api.RunningJob running = Api.newTenant().runningJob();
        String longest = emoji.repeat(dev.paddock.joblog.JobLogWriter.MAX_MESSAGE);
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("lines", List.of(Map.of("message", longest)))).post("/api/runners/jobs/" + running.jobId() + "/logs")
                .then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void aNulCharacterIsRefusedNamingItsField() {
        Api api = Api.newTenant();
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON).body("{\"type\":\"build\",\"name\":\"a\\u0000b\"}")
                .post("/api/jobs").then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.field", hasItem("name"));
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON)
                .body("{\"type\":\"build\",\"payload\":{\"prompt\":\"x\\u0000\"}}")
                .post("/api/jobs").then().statusCode(400).body("errors.field", hasItem("payload.prompt"));
        // with the body's other invalid fields, every one listed; in a key, the field named
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON)
                .body("{\"type\":\"\",\"name\":\"a\\u0000\",\"priority\":500}").post("/api/jobs").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("type", "name", "priority"));
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON)
                .body("{\"type\":\"build\",\"payload\":{\"k\\u0000\":\"v\"}}").post("/api/jobs").then().statusCode(400)
                .body("errors.field", contains(startsWith("payload")));
        api.person().get("/api/jobs").then().body("total", equalTo(0));

        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "running", "phase", "a" + NUL)).post("/api/runners/jobs/" + running.jobId() + "/status")
                .then().statusCode(400).body("errors.field", hasItem("phase"));
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "success", "summary", "s" + NUL)).post("/api/runners/jobs/" + running.jobId() + "/result")
                .then().statusCode(400).body("errors.field", hasItem("summary"));
        api.person().get("/api/jobs/" + running.jobId()).then().body("job.status", equalTo("running"));
    }

    /** A program's output may hold NUL: in a log line, of every route that takes lines, it becomes U+FFFD. */
    @Test
    void aNulInALogLineIsStoredAsAReplacementCharacter() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("lines", List.of("ok", "bin" + NUL + "ary", Map.of("message", NUL + "m",
                        "data", Map.of("k" + NUL, List.of("v" + NUL, 1)))), "offset", 0))
                .post("/api/runners/jobs/" + running.jobId() + "/logs").then().statusCode(200).body("accepted", equalTo(3));
        // ai-review's logs, then the final lines of a result: the result is stored, and the same report answers the same
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("logs", List.of("task" + NUL))).post("/api/runners/tasks/" + running.jobId() + "/logs")
                .then().statusCode(200).body("accepted", equalTo(1));
        Map<String, Object> result = Map.of("status", "success", "logs", List.of("last" + NUL, Map.of("message", "x" + NUL)));
        for (int i = 0; i < 2; i++) {
            Api.runner(running.runner().token()).header("X-Lease-Id", running.lease()).body(result)
                    .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200)
                    .body("job.status", equalTo("success"));
        }
        api.person().get("/api/jobs/" + running.jobId() + "/logs").then().statusCode(200)
                .body("logs.message", contains("ok", "bin\uFFFDary", "\uFFFDm", "task\uFFFD", "last\uFFFD", "x\uFFFD"))
                .body("logs[2].data", equalTo(Map.of("k\uFFFD", List.of("v\uFFFD", 1))));

        // Oore's chunks
        Api.RunningJob oore = api.runningJob();
        Api.runner(oore.runner().token()).header("X-Lease-Id", oore.lease())
                .body(Map.of("chunks", List.of(Map.of("sequence", 0, "content", "c" + NUL, "stream", "stdout"))))
                .post("/v1/runners/" + oore.runner().id() + "/jobs/" + oore.jobId() + "/logs").then().statusCode(200);
        api.person().get("/api/jobs/" + oore.jobId() + "/logs").then().body("logs.message", contains("c\uFFFD"));
    }

    @Test
    void aJsonNullWhereABodyIsOptionalIsRefusedAndChangesNothing() {
        Api api = Api.newTenant();
        String job = api.enqueue("t", List.of());
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON).body("null").post("/api/jobs/" + job + "/cancel")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("JSON object"));
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("queued"));
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        given().header("X-Runner-Token", runner.token()).contentType(ContentType.JSON).body(" null ")
                .post("/api/runners/jobs/claim").then().statusCode(400);
        api.person().get("/api/jobs/" + job).then().body("job.status", equalTo("queued"));
        given().header("X-Runner-Token", runner.token()).contentType(ContentType.JSON).body("null")
                .post("/api/runners/heartbeat").then().statusCode(400);
        // no body at all is what the optional body means
        given().header("X-Runner-Token", runner.token()).post("/api/runners/heartbeat").then().statusCode(200);
        given().header("X-Runner-Token", runner.token()).post("/api/runners/jobs/claim").then().statusCode(200);
        given().auth().oauth2(api.jwt).post("/api/jobs/" + job + "/cancel").then().statusCode(200)
                .body("job.status", equalTo("cancelled"));
    }

    @Test
    void aKeyGivenTwiceOrTrailingGarbageIsMalformed() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        given().header("X-Runner-Token", runner.token()).contentType(ContentType.JSON)
                .body("{\"limit\":1,\"wait_seconds\":0,\"limit\":\"x\"}").post("/api/runners/jobs/claim")
                .then().statusCode(400).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON).body("{\"name\":\"a\",\"name\":\"b\"}")
                .post("/api/runners").then().statusCode(400);
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON).body("{\"type\":\"a\"}{\"type\":\"b\"}")
                .post("/api/jobs").then().statusCode(400);
        given().auth().oauth2(api.jwt).contentType(ContentType.JSON).body("{\"type\":\"a\"} garbage")
                .post("/api/jobs").then().statusCode(400);
        api.person().get("/api/jobs").then().body("total", equalTo(0));
    }

    @Test
    void aRepeatedScalarQueryParameterOrANegativeLineNumberIsRefused() {
        Api api = Api.newTenant();
        String job = api.enqueue("t", List.of());
        api.person().get("/api/jobs?limit=1&limit=abc").then().statusCode(400).body("errors.field", hasItem("limit"));
        api.person().get("/api/jobs?status=queued&status=running").then().statusCode(400)
                .body("errors.field", hasItem("status"));
        api.person().get("/api/jobs/" + job + "/logs?after=-1").then().statusCode(400).body("errors.field", hasItem("after"));
        api.person().get("/api/jobs/" + job + "/logs?after=0").then().statusCode(200);
        api.person().get("/api/jobs?label=a&label=b").then().statusCode(200);
    }

    @Test
    void aBodyIsReadAsJsonWhateverSingleContentTypeTheClientSent() {
        Api api = Api.newTenant();
        for (String type : new String[]{"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                "text/plain", "application/x-www-form-urlencoded", "application/cloudevents+json"}) {
            // curl's default form encoding, sent as the bytes given (rest-assured would encode a form)
            given().config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                            .encodeContentTypeAs("application/x-www-form-urlencoded", ContentType.TEXT)))
                    .auth().oauth2(api.jwt).header("Content-Type", type).body("{\"type\":\"a\"}".getBytes())
                    .post("/api/jobs").then().statusCode(201);
        }
        given().auth().oauth2(api.jwt).header("Content-Type", "text/plain").body("type=a".getBytes())
                .post("/api/jobs").then().statusCode(400).contentType(startsWith("application/problem+json"));
        api.person().get("/api/jobs").then().body("total", equalTo(6));
    }

    @Test
    void anEmptyOrListValuedContentTypeIsUnsupported() {
        Api api = Api.newTenant();
        given().auth().oauth2(api.jwt).header("Content-Type", "").body("{\"type\":\"a\"}".getBytes()).post("/api/jobs")
                .then().statusCode(415).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(api.jwt).header("Content-Type", "application/json, text/plain").body("{\"type\":\"a\"}".getBytes())
                .post("/api/jobs").then().statusCode(415).contentType(startsWith("application/problem+json"));
        api.person().get("/api/jobs").then().body("total", equalTo(0));
    }

    /** A Content-Type with no slash at all ("K") was a 500 on every route: a 415 with a body, ignored without one. */
    @Test
    void aMalformedContentTypeIsUnsupportedWithABodyAndIgnoredWithout() {
        Api api = Api.newTenant();
        given().auth().oauth2(api.jwt).header("Content-Type", "K").body("{\"type\":\"a\"}".getBytes()).post("/api/jobs")
                .then().statusCode(415).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(api.jwt).header("Content-Type", "K").get("/api/me").then().statusCode(200);
        given().header("Content-Type", "K").get("/api/jobs").then().statusCode(401)
                .contentType(startsWith("application/problem+json"));
        api.person().get("/api/jobs").then().body("total", equalTo(0));
    }

    /**
     * Requests the HTTP router refuses before any resource are still answered as problem+json. (A
     * request line Netty itself refuses, such as a path holding '{' or a malformed %-escape, is
     * answered by Vert.x's invalid-request handler, which Quarkus gives no way to replace: README.)
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET /api/jobs HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n | 400",
            "GET api/jobs HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n | 404"})
    void aRequestTheRouterRefusesIsAProblem(String request, int status) throws Exception {
        String answer = rawRequest(request.replace("\\r\\n", "\r\n"));
        assertThat(answer).startsWith("HTTP/1.1 " + status);
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(answer).contains("\"status\":" + status);
    }

    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
