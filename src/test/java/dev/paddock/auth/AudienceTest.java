package dev.paddock.auth;

import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** With MP_JWT_VERIFY_AUDIENCES set, a person's token made for anything else is refused. */
@QuarkusTest
@TestProfile(AudienceTest.PaddockAudience.class)
class AudienceTest {

    public static class PaddockAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.audiences", "paddock-api");
        }
    }

    private static String token(String... audience) {
        var claims = Jwt.issuer(Tokens.ISSUER).subject("aud-test").claim("tenant", Tokens.newTenant())
                .claim("scope", "jobs:read").expiresIn(3600);
        if (audience.length > 0) {
            claims.audience(java.util.Set.of(audience));
        }
        return Tokens.signed(claims);
    }

    @Test
    void onlyTokensForTheConfiguredAudienceAreAccepted() {
        given().auth().oauth2(token("paddock-api")).get("/api/jobs").then().statusCode(200);
        given().auth().oauth2(token("paddock-api", "other")).get("/api/jobs").then().statusCode(200);
        given().auth().oauth2(token("another-service")).get("/api/jobs").then().statusCode(401);
        given().auth().oauth2(token()).get("/api/jobs").then().statusCode(401);
    }
}
