package dev.paddock.auth;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** GET /api/me: what a credential may do, for a person's JWT and for an API key. */
@QuarkusTest
public class MeTest {

    @Test
    void aPersonsJwtSaysWhoItIsItsScopesAndWhenItExpires() {
        Api api = Api.newTenant();
        String expiresAt = given().auth().oauth2(Tokens.person(api.tenant, "alice", "runners:manage jobs:read"))
                .get("/api/me").then().statusCode(200)
                .body("kind", is("person")).body("subject", is("alice")).body("tenant", is(api.tenant))
                .body("scopes", hasItems("runners:manage", "runners:read", "jobs:read"))
                .body("scopes", not(hasItems("jobs:manage")))
                .extract().path("expires_at");
        assertThat(Instant.parse(expiresAt)).isAfter(Instant.now());
    }

    @Test
    void anApiKeySaysItIsAKeyWithItsOwnScopes() {
        Api api = Api.newTenant();
        String key = api.person().body(Map.of("name", "bot", "scopes", List.of("jobs:read")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        given().header("x-api-key", key).get("/api/me").then().statusCode(200)
                .body("kind", is("api_key")).body("tenant", is(api.tenant))
                .body("scopes", is(List.of("jobs:read"))).body("expires_at", nullValue());
        given().get("/api/me").then().statusCode(401);
    }
}
