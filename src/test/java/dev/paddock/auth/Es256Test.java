package dev.paddock.auth;

import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** People's JWTs signed with ES256, verified with an EC key. */
@QuarkusTest
@TestProfile(Es256Test.EcKey.class)
class Es256Test {

    public static class EcKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.publickey.location", "ecPublicKey.pem",
                    "mp.jwt.verify.publickey.algorithm", "ES256");
        }
    }

    @Test
    void es256TokensAreAcceptedAndRs256OnesAreNot() throws Exception {
        String tenant = Tokens.newTenant();
        String es256 = Jwt.issuer(Tokens.ISSUER).subject("u").claim("tenant", tenant).claim("scope", "runners:read")
                .expiresIn(600).jws().algorithm(SignatureAlgorithm.ES256)
                .sign(KeyUtils.readPrivateKey("ecPrivateKey.pem", SignatureAlgorithm.ES256));
        given().auth().oauth2(es256).get("/api/runners").then().statusCode(200);
        given().auth().oauth2(Tokens.person(tenant, "runners:read")).get("/api/runners").then().statusCode(401);
    }
}
