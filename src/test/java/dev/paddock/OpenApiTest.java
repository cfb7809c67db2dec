package dev.paddock;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/** The generated OpenAPI document is 3.1, names both security schemes, every route family and every dialect. */
@QuarkusTest
class OpenApiTest {

    @Test
    void documentDescribesTheContract() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("openapi", startsWith("3.1"))
                .body("components.securitySchemes.jwt.scheme", org.hamcrest.Matchers.equalTo("bearer"))
                .body("components.securitySchemes.runnerToken.name", org.hamcrest.Matchers.equalTo("X-Runner-Token"))
                .body("paths", hasKey("/api/runners"))
                .body("paths", hasKey("/api/runners/{id}/regenerate-token"))
                .body("paths", hasKey("/api/runners/jobs/claim"))
                .body("paths", hasKey("/api/jobs"))
                .body("paths", hasKey("/api/jobs/stats"))
                .body("paths", hasKey("/api/queue"))
                .body("paths", hasKey("/api/api-keys"));
    }

    @Test
    void theJwtSchemeNamesEveryScope() {
        String description = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().path("components.securitySchemes.jwt.description");
        org.assertj.core.api.Assertions.assertThat(description).contains(dev.paddock.auth.Scopes.ALL);
    }

    @Test
    void eachDialectHasItsOwnTagAndExamples() {
        var document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
        document.body("tags.name", org.hamcrest.Matchers.hasItems("API keys", "Dialect: ai-review", "Dialect: Oore",
                        "Dialect: controlinfra", "Dialect: AgentsMesh", "Dialect: BambooSnow"))
                .body("paths.'/api/runners/tasks/pending'.get.tags", org.hamcrest.Matchers.contains("Dialect: ai-review"))
                .body("paths.'/v1/runners/{runner_id}/claim'.post.tags", org.hamcrest.Matchers.contains("Dialect: Oore"))
                .body("paths.'/api/runners/jobs/status'.post.tags", org.hamcrest.Matchers.contains("Dialect: controlinfra"))
                .body("paths.'/api/v1/ext/orgs/{org}/runners'.get.tags", org.hamcrest.Matchers.contains("Dialect: AgentsMesh"))
                .body("paths.'/v1/runs'.get.tags", org.hamcrest.Matchers.contains("Dialect: BambooSnow"));
        for (String schema : java.util.List.of("BambooSnowRuns", "BambooSnowRun", "OoreRegistered", "ControlInfraEnvelope",
                "AgentsMeshRunner", "ApiKeyCreated")) {
            document.body("components.schemas." + schema, hasKey("examples"));
        }
    }

    /** Every filter API.md lists for a route, and the paging of every list, is a documented parameter. */
    @Test
    void theListsFiltersAndPagingAreDocumentedParameters() {
        var document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
        java.util.Map<String, java.util.List<String>> filters = java.util.Map.of(
                "/api/jobs", java.util.List.of("status", "type", "runner_id", "repository", "pr_number", "label", "since",
                        "until", "limit", "offset", "page", "per_page"),
                "/api/runners", java.util.List.of("status", "label", "q", "limit", "offset", "page", "per_page"),
                "/api/runners/available", java.util.List.of("limit", "offset", "page", "per_page"),
                "/api/runners/{id}/jobs", java.util.List.of("status", "limit", "offset"),
                "/api/jobs/{id}/logs", java.util.List.of("level", "since", "after", "limit"),
                "/api/jobs/stats", java.util.List.of("period", "type", "repository", "runner_id"),
                "/api/events", java.util.List.of("after", "type", "limit"),
                "/api/webhooks", java.util.List.of("limit", "offset", "page", "per_page"));
        filters.forEach((path, names) -> document.body("paths.'" + path + "'.get.parameters.findAll { it.in == 'query' }.name",
                org.hamcrest.Matchers.hasItems(names.toArray(String[]::new))));
        java.util.List<String> statuses = document.extract()
                .path("paths.'/api/jobs'.get.parameters.find { it.name == 'status' }.schema.enum");
        org.assertj.core.api.Assertions.assertThat(statuses).containsExactlyInAnyOrderElementsOf(dev.paddock.dispatch.JobStatus.WIRE_NAMES);
        document.body("paths.'/api/events'.get.parameters.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("offset")));
    }
}
