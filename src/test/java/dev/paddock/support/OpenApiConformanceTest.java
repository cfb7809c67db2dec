package dev.paddock.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check every test's answers pass through (OpenApiConformance), and the document's declared answers. */
@QuarkusTest
class OpenApiConformanceTest {

    private static final JsonNode RESPONSES = parse("""
            {"201": {"content": {"application/json": {}}}, "204": {},
             "404": {"content": {"application/problem+json": {}}},
             "default": {"content": {"application/problem+json": {}}}}""");

    @Test
    void everyTestClassSendsItsRequestsThroughTheCheck() {
        assertThat(RestAssured.filters()).anyMatch(filter -> filter instanceof OpenApiConformance);
    }

    @Test
    void anAnswerIsDeclaredByItsStatusAndContentType() {
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(201, "application/json", "{}"))).isNull();
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(204, null, ""))).isNull();
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(200, "application/json", "{}")))
                .contains("status not declared");
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(201, "text/plain", "x")))
                .contains("content type not declared");
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(204, "application/json", "{}")))
                .contains("a body where the document declares none");
    }

    @Test
    void aJsonBodyMustMatchTheSchemaDeclaredForIt() {
        JsonNode declared = parse("""
                {"200": {"content": {"application/json": {"schema": {"type": "object", "required": ["id", "at"],
                 "properties": {"id": {"type": "integer"}, "at": {"type": ["string", "null"], "format": "date-time"}}}}}}}""");
        assertThat(OpenApiConformance.mismatch(declared, answer(200, "application/json", "{\"id\": 1, \"at\": null}"))).isNull();
        assertThat(OpenApiConformance.mismatch(declared, answer(200, "application/json",
                "{\"id\": 1, \"at\": \"2026-12-06T17:00:00Z\"}"))).isNull();
        assertThat(OpenApiConformance.mismatch(declared, answer(200, "application/json", "{\"id\": \"1\", \"at\": null}")))
                .contains("does not match");
        assertThat(OpenApiConformance.mismatch(declared, answer(200, "application/json", "{\"id\": 1}")))
                .contains("does not match");
        assertThat(OpenApiConformance.mismatch(declared, answer(200, "application/json", "{\"id\": 1, \"at\": \"yesterday\"}")))
                .contains("does not match");
    }

    @Test
    void anErrorMayFallUnderDefaultButASuccessMayNot() {
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(409, "application/problem+json", "{}"))).isNull();
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(409, "application/json", "{}")))
                .contains("content type not declared");
        assertThat(OpenApiConformance.mismatch(RESPONSES, answer(202, null, ""))).contains("status not declared");
    }

    @Test
    void aSuccessCodeTheDocumentDoesNotDeclareFailsTheRequest() {
        Api api = Api.newTenant();
        // a 201 answered where the document declared 200 is what the check exists for: it throws
        assertThatThrownBy(() -> given().filter((request, response, context) -> {
            Response real = context.next(request, response);
            return new ResponseBuilder().clone(real).setStatusCode(200).build();
        }).auth().oauth2(api.jwt).contentType("application/json").body(Map.of("type", "t", "labels", List.of()))
                .post("/api/jobs")).hasMessageContaining("OpenAPI document vs answer: POST /api/jobs answered 200");
    }

    /** Every operation says what its refusals look like, by the rules of problem/OpenApiProblems. */
    @Test
    void everyOperationDeclaresItsRefusalsAsProblems() {
        Map<String, Map<String, Map<String, Object>>> paths = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
            assertThat(responses).as(method + " " + path).containsKey("default");
            assertThat(responses.get("default").get("content").toString()).contains("application/problem+json");
            boolean credentialed = operation.get("security") != null;
            if (credentialed) {
                assertThat(responses).as(method + " " + path).containsKeys("400", "401", "403");
            }
            if (path.contains("{")) {
                assertThat(responses).as(method + " " + path).containsKey("404");
            }
            if (!method.equals("get") && !method.equals("delete")) {
                assertThat(responses).as(method + " " + path).containsKey("413");
            }
        }));
    }

    private static Response answer(int status, String contentType, String body) {
        ResponseBuilder builder = new ResponseBuilder().setStatusCode(status).setBody(body);
        if (contentType != null) {
            builder.setContentType(contentType);
        }
        return builder.build();
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
