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
                .body("paths.'/v1/runs'.get.tags", org.hamcrest.Matchers.contains("Dialect: BambooSnow"))
                // the routes a dialect shares with the canonical API are under its tag too
                .body("paths.'/api/runners/register'.post.tags", org.hamcrest.Matchers.hasItem("Dialect: ai-review"))
                .body("paths.'/api/runners/{id}/heartbeat'.post.tags", org.hamcrest.Matchers.hasItem("Dialect: ai-review"))
                .body("paths.'/api/runners/{id}'.delete.tags", org.hamcrest.Matchers.hasItems("Runners", "Dialect: ai-review"))
                .body("paths.'/api/runners/heartbeat'.post.tags", org.hamcrest.Matchers.hasItems("Runner agent", "Dialect: controlinfra"))
                // ai-review's credential, an API key, is declared where it is taken
                .body("paths.'/api/runners/tasks/pending'.get.security", org.hamcrest.Matchers.hasItem(java.util.Map.of("apiKey", java.util.List.of())))
                // a dialect's body is described in the dialect's own names
                .body("components.schemas.ControlInfraStatusReport.properties", hasKey("jobId"))
                .body("components.schemas.TaskResult.properties", hasKey("totalComments"));
        for (String schema : java.util.List.of("BambooSnowRuns", "BambooSnowRun", "OoreRegistered", "ControlInfraEnvelope",
                "AgentsMeshRunner", "ApiKeyCreated")) {
            document.body("components.schemas." + schema, hasKey("examples"));
        }
    }

    /** Every filter API.md lists for a route, and the paging of every list, is a documented parameter. */
    @Test
    void theListsFiltersAndPagingAreDocumentedParameters() {
        var document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
        java.util.Map<String, java.util.List<String>> filters = java.util.Map.ofEntries(
                java.util.Map.entry("/api/jobs", java.util.List.of("status", "type", "runner_id", "repository", "pr_number", "label", "since",
                        "until", "limit", "offset", "page", "per_page")),
                java.util.Map.entry("/api/runners", java.util.List.of("status", "label", "q", "limit", "offset", "page", "per_page")),
                java.util.Map.entry("/api/runners/available", java.util.List.of("status", "label", "q", "limit", "offset", "page", "per_page")),
                java.util.Map.entry("/v1/runs", java.util.List.of("agent_id", "repository_id", "status", "pr_number", "since", "until", "page", "per_page")),
                java.util.Map.entry("/v1/runs/stats", java.util.List.of("agent_id", "repository_id", "period")),
                java.util.Map.entry("/v1/runs/{id}/logs", java.util.List.of("level", "since", "limit")),
                java.util.Map.entry("/api/runners/tasks/pending", java.util.List.of("runnerId", "runner_id", "limit")),
                java.util.Map.entry("/api/v1/ext/orgs/{org}/runners", java.util.List.of("limit", "offset")),
                java.util.Map.entry("/api/v1/ext/orgs/{org}/runners/{id}/pods", java.util.List.of("status", "limit", "offset")),
                java.util.Map.entry("/api/runners/{id}/jobs", java.util.List.of("status", "limit", "offset")),
                java.util.Map.entry("/api/jobs/{id}/logs", java.util.List.of("level", "since", "after", "limit")),
                java.util.Map.entry("/api/jobs/stats", java.util.List.of("period", "type", "repository", "runner_id")),
                java.util.Map.entry("/api/events", java.util.List.of("after", "type", "limit")),
                java.util.Map.entry("/api/webhooks", java.util.List.of("limit", "offset", "page", "per_page")));
        filters.forEach((path, names) -> document.body("paths.'" + path + "'.get.parameters.findAll { it.in == 'query' }.name",
                org.hamcrest.Matchers.hasItems(names.toArray(String[]::new))));
        java.util.List<String> statuses = document.extract()
                .path("paths.'/api/jobs'.get.parameters.find { it.name == 'status' }.schema.enum");
        org.assertj.core.api.Assertions.assertThat(statuses).containsExactlyInAnyOrderElementsOf(dev.paddock.dispatch.JobStatus.WIRE_NAMES);
        document.body("paths.'/api/events'.get.parameters.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("offset")));
    }

    /**
     * An answer's object has every property, each of which may be null, except what the service
     * leaves out; a pattern means the whole value (JSON Schema's patterns match anywhere in it).
     */
    @Test
    void answersDeclareTheirPropertiesAndPatternsTheWholeValue() {
        var document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200);
        document.body("components.schemas.Job.required", org.hamcrest.Matchers.hasItems("id", "runner", "completed_at"))
                .body("components.schemas.Job.required", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("waiting")))
                .body("components.schemas.Job.properties.name.type", org.hamcrest.Matchers.contains("string", "null"))
                .body("components.schemas.JobPage.required", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("per_page")))
                .body("components.schemas.Problem.required", org.hamcrest.Matchers.contains("type", "title", "status"))
                // a request's schema keeps its optional fields
                .body("components.schemas.Enqueue.required", org.hamcrest.Matchers.contains("type"))
                .body("paths.'/api/runners/{id}/regenerate-token'.post.responses.'429'.content", hasKey("application/problem+json"));
        java.util.List<String> patterns = new java.util.ArrayList<>();
        collectPatterns(document.extract().as(Object.class), patterns);
        org.assertj.core.api.Assertions.assertThat(patterns).isNotEmpty().allSatisfy(pattern ->
                org.assertj.core.api.Assertions.assertThat(pattern).matches("\\^.*\\$|\\\\S|\\.\\*\\\\S\\.\\*"));
    }

    private static void collectPatterns(Object node, java.util.List<String> patterns) {
        if (node instanceof java.util.Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("pattern".equals(key) && value instanceof String pattern) {
                    patterns.add(pattern);
                } else {
                    collectPatterns(value, patterns);
                }
            });
        } else if (node instanceof java.util.List<?> list) {
            list.forEach(item -> collectPatterns(item, patterns));
        }
    }
}
