package dev.paddock;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/** The generated OpenAPI document is 3.1, names both security schemes and every route family. */
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
                .body("paths", hasKey("/api/queue"));
    }
}
