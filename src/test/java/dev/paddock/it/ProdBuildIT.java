package dev.paddock.it;

import dev.paddock.support.PackagedAppResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/** What only the prod build shows: no dev token endpoint, and the operations endpoints. */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class ProdBuildIT {

    @Test
    void devTokenEndpointIsNotInTheProdBuild() {
        given().contentType("application/json").body(Map.of("sub", "x", "tenant", "t", "scope", "runners:manage"))
                .post("/dev/token").then().statusCode(404);
    }

    @Test
    void aMissingOrMalformedSecretsKeyStopsTheStart() {
        for (String key : new String[]{"", "not-base64!", "c2hvcnQ="}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.paddock.support.Replica.start(Map.of("paddock.secrets.key", key)))
                    .hasMessageContaining("PADDOCK_SECRETS_KEY");
        }
    }

    @Test
    void operationsEndpointsAreThere() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("openapi", startsWith("3.1"))
                .body("components.securitySchemes", hasKey("jwt"))
                .body("components.securitySchemes", hasKey("runnerToken"));
    }
}
