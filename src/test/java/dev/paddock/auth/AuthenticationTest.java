package dev.paddock.auth;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.containsString;

@QuarkusTest
public class AuthenticationTest {

    private static void refused(io.restassured.specification.RequestSpecification request) {
        request.get("/api/runners").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("https://paddock.dev/problems/unauthorized"));
    }

    @Test
    void noTokenIs401WithChallenge() {
        refused(given());
    }

    @Test
    void anAnonymousCallWithABrokenBodyIsStill401() {
        given().contentType(ContentType.JSON).body("{\"name\": ").post("/api/runners").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().contentType(ContentType.JSON).body("{\"limit\": \"x\"}").post("/api/runners/jobs/claim").then()
                .statusCode(401);
    }

    @Test
    void expiredTokenIs401() {
        refused(given().auth().oauth2(Tokens.expired(Tokens.newTenant())));
    }

    @Test
    void tamperedTokenIs401() {
        refused(given().auth().oauth2(Tokens.tampered(Tokens.newTenant())));
    }

    @Test
    void aVerifiedTokenVouchesForNoAlteredCopyOfIt() {
        String tenant = Tokens.newTenant();
        String valid = Tokens.person(tenant, "runners:read");
        given().auth().oauth2(valid).get("/api/runners").then().statusCode(200); // verified, and remembered
        String[] parts = valid.split("\\.");
        String otherTenant = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace(tenant, Tokens.newTenant()).getBytes());
        refused(given().auth().oauth2(parts[0] + "." + otherTenant + "." + parts[2]));
        char tenth = parts[2].charAt(10);
        refused(given().auth().oauth2(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
                + (tenth == 'A' ? 'B' : 'A') + parts[2].substring(11)));
        given().auth().oauth2(valid).get("/api/runners").then().statusCode(200);
    }

    @Test
    void wrongIssuerIs401() {
        refused(given().auth().oauth2(Tokens.wrongIssuer(Tokens.newTenant())));
    }

    @Test
    void tokenSignedByAnotherKeyIs401() {
        refused(given().auth().oauth2(Tokens.otherKey(Tokens.newTenant())));
    }

    @Test
    void algNoneIs401() {
        refused(given().auth().oauth2(Tokens.algNone(Tokens.newTenant())));
    }

    @Test
    void garbageAndNonBearerSchemesAre401() {
        refused(given().auth().oauth2("not-a-jwt"));
        refused(given().header("Authorization", "Basic dXNlcjpwYXNz"));
    }

    @Test
    void missingScopeIs403() {
        String tenant = Tokens.newTenant();
        given().auth().oauth2(Tokens.person(tenant, "jobs:read")).get("/api/runners").then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403));
        given().auth().oauth2(Tokens.person(tenant, "runners:read")).contentType(ContentType.JSON)
                .body(Map.of("name", "x")).post("/api/runners").then().statusCode(403);
    }

    @Test
    void manageImpliesReadAndScpArrayIsAccepted() {
        String tenant = Tokens.newTenant();
        given().auth().oauth2(Tokens.person(tenant, "runners:manage")).get("/api/runners").then().statusCode(200);
        String scp = Tokens.signed(io.smallrye.jwt.build.Jwt.issuer(Tokens.ISSUER).subject("u").claim("tenant", tenant)
                .claim("scp", List.of("runners:read")).expiresIn(600));
        given().auth().oauth2(scp).get("/api/runners").then().statusCode(200);
    }

    @Test
    void tenantFallsBackToSubject() {
        String subject = "solo-" + System.nanoTime();
        String jwt = Tokens.signed(io.smallrye.jwt.build.Jwt.issuer(Tokens.ISSUER).subject(subject)
                .claim("scope", "runners:manage").expiresIn(600));
        String id = given().auth().oauth2(jwt).contentType(ContentType.JSON).body(Map.of("name", "mine"))
                .post("/api/runners").then().statusCode(201).extract().path("runner.id");
        given().auth().oauth2(jwt).get("/api/runners/" + id).then().statusCode(200)
                .body("runner.registered_by", equalTo(subject));
        // the same id is invisible from a tenant claim naming another tenant
        given().auth().oauth2(Tokens.person(Tokens.newTenant(), "runners:read")).get("/api/runners/" + id)
                .then().statusCode(404);
    }

    /** A name longer than any record keeps is refused as a credential, not left to fail a write (a 500). */
    @Test
    void aSubjectOrTenantLongerThan200CharactersIsRefused() {
        String tenant = Tokens.newTenant();
        refused(given().auth().oauth2(Tokens.person(tenant, "s".repeat(201), "runners:manage")));
        refused(given().auth().oauth2(Tokens.person("t".repeat(201), "runners:manage")));
        given().auth().oauth2(Tokens.person(tenant, "s".repeat(200), "runners:manage")).contentType(ContentType.JSON)
                .body(Map.of("name", "long-named")).post("/api/runners").then().statusCode(201);
    }

    @Test
    void aTokenWithATenantButNoSubjectIsAPerson() {
        String tenant = Tokens.newTenant();
        String jwt = Tokens.signed(io.smallrye.jwt.build.Jwt.issuer(Tokens.ISSUER).claim("tenant", tenant)
                .claim("scope", "runners:read").expiresIn(600));
        given().auth().oauth2(jwt).get("/api/runners").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void runnerTokenOnPeoplesRouteIs401AndJwtOnAgentRouteIs401() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r", List.of(), 1);
        given().header("X-Runner-Token", runner.token()).get("/api/runners").then().statusCode(401);
        given().auth().oauth2(runner.token()).get("/api/runners").then().statusCode(401);
        given().header("x-api-key", runner.token()).get("/api/runners/" + runner.id()).then().statusCode(401);
        api.person().body(Map.of()).post("/api/runners/heartbeat").then().statusCode(401)
                .header("WWW-Authenticate", notNullValue());
    }

    @Test
    void runnerTokenIsAcceptedInAllThreePlaces() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("r", List.of(), 1);
        given().header("X-Runner-Token", runner.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/runners/heartbeat").then().statusCode(200).body("runner_id", equalTo(runner.id()));
        given().auth().oauth2(runner.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/runners/heartbeat").then().statusCode(200);
        given().header("x-api-key", runner.token()).contentType(ContentType.JSON).body(Map.of())
                .post("/api/runners/heartbeat").then().statusCode(200);
        given().header("X-Runner-Token", runner.token() + "x").contentType(ContentType.JSON).body(Map.of())
                .post("/api/runners/heartbeat").then().statusCode(401)
                .body(not(containsString(runner.token())));
    }

    @Test
    void errorsAreProblemJson() {
        Api api = Api.newTenant();
        api.person().get("/api/no-such-route").then().statusCode(404).contentType("application/problem+json");
        // a 405 says which methods the resource takes (RFC 9110), as an OPTIONS does
        api.person().delete("/api/jobs").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", equalTo("GET, HEAD, OPTIONS, POST"));
        api.person().put("/api/jobs/" + java.util.UUID.randomUUID() + "/cancel").then().statusCode(405)
                .header("Allow", equalTo("OPTIONS, POST"));
        api.person().post("/api/me").then().statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"));
        // the literal path's methods, not those of /api/runners/{id} that its path also matches
        api.person().post("/api/runners/available").then().statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"));
        // a literal path is not the {id} of a template beside it: PUT /api/runners/{id} is not PUT /api/runners/available
        api.person().put("/api/runners/available").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", equalTo("GET, HEAD, OPTIONS"));
        given().patch("/v1/runners/register").then().statusCode(405).header("Allow", equalTo("OPTIONS, POST"));
        // an OPTIONS lists exactly the methods the document gives the path, with or without credentials
        given().options("/api/api-keys").then().statusCode(204).header("Allow", equalTo("GET, HEAD, OPTIONS, POST"));
        api.person().options("/api/api-keys/" + java.util.UUID.randomUUID()).then().statusCode(204)
                .header("Allow", equalTo("DELETE, OPTIONS"));
        api.person().options("/api/jobs/stats").then().statusCode(204).header("Allow", equalTo("GET, HEAD, OPTIONS"));
        api.person().body("{\"name\": ").post("/api/runners").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://paddock.dev/problems/malformed-json"));
        api.person().body("{\"name\": \"x\", \"max_concurrency\": \"many\"}").post("/api/runners").then()
                .statusCode(400).body("errors.field", hasItem("max_concurrency"));
        api.person().get("/api/runners/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        api.person().body("{\"name\": \"" + "x".repeat(1100 * 1024) + "\"}").post("/api/runners").then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithAProblem() throws Exception {
        Api api = Api.newTenant();
        byte[] body = ("{\"name\": \"" + "x".repeat(1100 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/runners"))
                .header("Authorization", "Bearer " + api.jwt).header("Content-Type", "application/json")
                // no length known in advance: the body goes chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"status\":413")
                    .as("the same problem as a body announced too large").contains("/problems/payload-too-large");
        }
    }
}
