package dev.paddock.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parameter's pattern in the document is the service's rule, both ways: a value the pattern
 * allows is answered, one it forbids is a 400. A client generated from the document (or a fuzzer
 * reading it) is then neither refused a valid value nor let through with an invalid one.
 */
@QuarkusTest
class ParameterPatternsTest {

    @Test
    void aLabelFilterIsWhatItsPatternSays() throws Exception {
        Api api = Api.newTenant();
        Pattern pattern = pattern(query("/api/jobs", "get", "label").path("items").path("pattern").asText());
        agreeOn(pattern, List.of("linux", "linux,gpu", " linux , gpu ", "", ",", "linux,,gpu", "a:b.c_d-e",
                        "x".repeat(63), "x".repeat(64), "Linux", "-linux", "linux gpu", "é", "linux,GPU"),
                value -> api.person().queryParam("label", value).get("/api/jobs").statusCode());
        agreeOn(pattern, List.of("linux", " gpu", "Linux"),
                value -> api.person().queryParam("label", value).get("/api/runners").statusCode());
    }

    @Test
    void anEventTypeFilterIsWhatItsPatternSays() throws Exception {
        Api api = Api.newTenant();
        Pattern pattern = pattern(query("/api/events", "get", "type").path("items").path("pattern").asText());
        agreeOn(pattern, List.of("paddock.job.finished", "paddock.job.*", "*", "", "Paddock.job", "paddock job",
                        "a".repeat(64), "a".repeat(65), "paddock.**"),
                value -> api.person().queryParam("type", value).get("/api/events").statusCode());
    }

    @Test
    void aLastEventIdIsWhatItsPatternSays() throws Exception {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(java.util.Map.of("status", "success")).post("/api/runners/jobs/" + running.jobId() + "/result")
                .then().statusCode(200);
        Pattern pattern = pattern(parameter("/api/jobs/{id}/logs/stream", "get", "Last-Event-ID").path("schema")
                .path("pattern").asText());
        // the job is final: a stream that is answered ends at once
        agreeOn(pattern, List.of("0", "42", "123456789012345678", "-1", "x", "1.5", "1e3"),
                value -> api.person().header("Last-Event-ID", value).get("/api/jobs/" + running.jobId() + "/logs/stream")
                        .statusCode());
    }

    @Test
    void aRunnerIdHeaderIsAUuidAsTheDocumentWritesOne() throws Exception {
        Api api = Api.newTenant();
        assertThat(parameter("/api/runners/register", "post", "X-Runner-Id").path("schema").path("format").asText())
                .isEqualTo("uuid");
        given().auth().oauth2(api.jwt).header("X-Runner-Id", java.util.UUID.randomUUID().toString())
                .post("/api/runners/register").then().statusCode(201);
        given().auth().oauth2(api.jwt).header("X-Runner-Id", "1-2-3-4-5").post("/api/runners/register").then()
                .statusCode(400);
        Pattern labels = pattern(parameter("/api/runners/register", "post", "X-Runner-Labels").path("schema")
                .path("pattern").asText());
        agreeOn(labels, List.of("linux", "linux, gpu", "Linux", "linux gpu"), value -> {
            int status = given().auth().oauth2(api.jwt).header("X-Runner-Labels", value).post("/api/runners/register")
                    .statusCode();
            return status == 201 ? 200 : status;
        });
    }

    /** A labels header the document's pattern forbids is refused even when the body's labels are the ones used. */
    @Test
    void aLabelsHeaderIsCheckedWhetherOrNotItIsUsed() {
        Api api = Api.newTenant();
        String body = "{\"name\": \"r\", \"labels\": [\"linux\"]}";
        for (String header : List.of("X-Runner-Tags", "X-Runner-Labels")) {
            given().auth().oauth2(api.jwt).header(header, "{}").contentType("application/json").body(body)
                    .post("/api/runners/register").then().statusCode(400).body("errors[0].field", equalTo(header));
        }
        given().auth().oauth2(api.jwt).header("X-Runner-Labels", "gpu").header("X-Runner-Tags", "Not A Label")
                .post("/api/runners/register").then().statusCode(400).body("errors[0].field", equalTo("X-Runner-Tags"));
        given().auth().oauth2(api.jwt).header("X-Runner-Tags", "gpu").contentType("application/json").body(body)
                .post("/api/runners/register").then().statusCode(201).body("runner.labels", equalTo(List.of("linux")));
    }

    /** A field a request may leave out may be sent as null: the document says so, and the service reads it as absent. */
    @Test
    void anOptionalFieldSentAsNullIsAbsent() throws Exception {
        Api api = Api.newTenant();
        JsonNode ephemeral = component("RunnerCreate").path("properties").path("ephemeral");
        assertThat(ephemeral.path("type").toString()).contains("null");
        api.person().body("{\"name\": \"r\", \"ephemeral\": null, \"capabilities\": null}").post("/api/runners")
                .then().statusCode(201);
        JsonNode reason = component("Cancel").path("properties").path("reason");
        assertThat(reason.path("type").toString()).contains("null");
    }

    /** Free text holds no NUL (PostgreSQL stores none): the document's pattern refuses it, as the service does. */
    @Test
    void freeTextRefusesTheNulCharacterInTheDocumentToo() throws Exception {
        Api api = Api.newTenant();
        Pattern name = pattern(component("RunnerCreate").path("properties").path("name").path("pattern").asText());
        agreeOn(name, List.of("builder", "b\u0000r", " ", "\u00a0", "\u0000"), value -> api.person()
                .body(java.util.Map.of("name", value)).post("/api/runners").statusCode() == 201 ? 200 : 400);
        Pattern secretName = pattern(component("Enqueue").path("properties").path("secrets").path("propertyNames")
                .path("pattern").asText());
        agreeOn(secretName, List.of("API_TOKEN", "", "9LIVES"), value -> api.person()
                .body(java.util.Map.of("type", "build", "secrets", java.util.Map.of(value, "s"))).post("/api/jobs")
                .statusCode() == 201 ? 200 : 400);
    }

    private static void agreeOn(Pattern pattern, List<String> values, Function<String, Integer> status) {
        for (String value : values) {
            int expected = pattern.matcher(value).find() ? 200 : 400;
            assertThat(status.apply(value)).as("'%s' (the document's pattern %s)", value, pattern).isEqualTo(expected);
        }
    }

    private static Pattern pattern(String ecma) {
        assertThat(ecma).as("a pattern in the document").isNotEmpty();
        return Pattern.compile(ecma);
    }

    private static JsonNode component(String name) throws Exception {
        JsonNode schema = document().path("components").path("schemas").path(name);
        assertThat(schema.isMissingNode()).as("schema " + name).isFalse();
        return schema;
    }

    private static JsonNode document() throws Exception {
        return new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi").asString());
    }

    private static JsonNode query(String path, String method, String name) throws Exception {
        return parameter(path, method, name).path("schema");
    }

    private static JsonNode parameter(String path, String method, String name) throws Exception {
        for (JsonNode parameter : document().path("paths").path(path).path(method).path("parameters")) {
            if (parameter.path("name").asText().equals(name)) {
                return parameter;
            }
        }
        throw new AssertionError("no parameter " + name + " on " + method + " " + path);
    }
}
