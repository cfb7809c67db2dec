package dev.paddock.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Health and metrics answer on the management interface only: the API port, which the Service
 * and any Ingress expose, shows neither (its metrics name every tenant's label sets). OpenAPI and
 * Swagger UI stay on the API port.
 */
@QuarkusTest
public class ManagementInterfaceTest {

    @TestHTTPResource("/")
    URL api;

    /** The management interface's root, {@code …/q/}. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        assertThat(management.getPort()).isNotEqualTo(api.getPort());
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get(management + "health/live").then().statusCode(200);
        given().get(management + "health/started").then().statusCode(200);
        given().get(management + "metrics").then().statusCode(200);

        for (String path : new String[]{"q/health", "q/health/ready", "q/health/live", "q/metrics"}) {
            given().get(api + path).then().statusCode(404).contentType(startsWith("application/problem+json"));
        }
    }

    @Test
    void theApiDescriptionStaysOnTheApiPort() {
        given().get(api + "q/openapi").then().statusCode(200);
        given().get(api + "q/swagger-ui/").then().statusCode(200);
        given().get(management + "openapi").then().statusCode(404);
        given().get(management + "swagger-ui/").then().statusCode(404);
    }
}
