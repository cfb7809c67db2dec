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
}
