package dev.paddock.apikey;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** API keys (DIALECTS.md, "API keys"): created by people, accepted wherever a person's JWT is. */
@QuarkusTest
public class ApiKeyTest {

    private static Response create(Api api, Map<String, Object> body) {
        return api.person().body(body).post("/api/api-keys");
    }

    private static String key(Api api, List<String> scopes) {
        return create(api, Map.of("name", "ci", "scopes", scopes)).then().statusCode(201).extract().path("key");
    }

    @Test
    void aKeyIsShownOnceListedWithoutItAndActsForItsTenantWithItsScopes() {
        Api api = Api.newTenant();
        Response created = create(api, Map.of("name", "deploy bot", "scopes", List.of("jobs:manage")));
        created.then().statusCode(201)
                .body("key", matchesPattern("pk_[A-Za-z0-9_-]{43}"))
                .body("api_key.name", equalTo("deploy bot")).body("api_key.scopes", equalTo(List.of("jobs:manage")))
                .body("api_key.prefix", equalTo(created.path("key").toString().substring(0, 11)))
                .body("api_key.created_at", matchesPattern(".*Z$")).body("api_key.expires_at", nullValue())
                .body("api_key.last_used_at", nullValue());
        String key = created.path("key");

        // Bearer and x-api-key alike; jobs:manage implies jobs:read
        String job = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(Map.of("type", "deploy")).post("/api/jobs").then().statusCode(201).extract().path("job.id");
        given().header("x-api-key", key).get("/api/jobs/" + job).then().statusCode(200).body("job.type", equalTo("deploy"));
        // not a scope it holds
        given().header("x-api-key", key).get("/api/runners").then().statusCode(403);
        // another tenant's job does not exist for it
        Api other = Api.newTenant();
        String othersJob = other.enqueue("t", List.of());
        given().header("x-api-key", key).get("/api/jobs/" + othersJob).then().statusCode(404);

        api.person().get("/api/api-keys").then().statusCode(200)
                .body("total", equalTo(1)).body("limit", equalTo(50)).body("offset", equalTo(0))
                .body("api_keys[0].name", equalTo("deploy bot")).body("api_keys[0].last_used_at", notNullValue())
                .body("api_keys[0]", not(org.hamcrest.Matchers.hasKey("key")));
        other.person().get("/api/api-keys").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void aDeletedKeyFailsAtOnceAndAnotherTenantCannotDeleteIt() {
        Api api = Api.newTenant();
        Response created = create(api, Map.of("name", "k", "scopes", List.of("jobs:read")));
        String key = created.path("key");
        String id = created.path("api_key.id");
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(200);

        Api.newTenant().person().delete("/api/api-keys/" + id).then().statusCode(404);
        api.person().delete("/api/api-keys/" + id).then().statusCode(204);
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(401)
                .contentType(containsString("application/problem+json"));
        given().header("Authorization", "Bearer " + key).get("/api/jobs").then().statusCode(401);
        api.person().delete("/api/api-keys/" + id).then().statusCode(404);
    }

    @Test
    void peopleSeeAndDeleteTheirOwnKeysAndApiKeysManageCoversTheTenants() {
        Api api = Api.newTenant();
        Supplier<RequestSpecification> alice = () -> asPerson(Tokens.person(api.tenant, "alice", "jobs:manage"));
        Supplier<RequestSpecification> bob = () -> asPerson(Tokens.person(api.tenant, "bob", "jobs:read"));
        Supplier<RequestSpecification> admin = () -> asPerson(Tokens.person(api.tenant, "carol", "jobs:read api-keys:manage"));
        String alicesKey = alice.get().body(Map.of("name", "alice's", "scopes", List.of("jobs:read"))).post("/api/api-keys")
                .then().statusCode(201).extract().path("api_key.id");
        String bobsKey = bob.get().body(Map.of("name", "bob's", "scopes", List.of("jobs:read"))).post("/api/api-keys")
                .then().statusCode(201).extract().path("api_key.id");

        bob.get().get("/api/api-keys").then().statusCode(200)
                .body("total", equalTo(1)).body("api_keys.name", equalTo(List.of("bob's")));
        bob.get().delete("/api/api-keys/" + alicesKey).then().statusCode(404);
        admin.get().get("/api/api-keys").then().statusCode(200).body("total", equalTo(2));
        admin.get().delete("/api/api-keys/" + alicesKey).then().statusCode(204);
        bob.get().delete("/api/api-keys/" + bobsKey).then().statusCode(204);
        admin.get().get("/api/api-keys").then().body("total", equalTo(0));
        // another tenant's manager sees none of them
        asPerson(Tokens.person(Tokens.newTenant(), "dave", "api-keys:manage")).get("/api/api-keys").then()
                .body("total", equalTo(0));
    }

    @Test
    void aCredentialWithoutAnyPaddockScopeIsForbiddenEverywhere() {
        Api api = Api.newTenant();
        String noScope = Tokens.person(api.tenant, "erin", "openid profile");
        asPerson(noScope).get("/api/api-keys").then().statusCode(403).contentType(containsString("application/problem+json"));
        asPerson(noScope).body(Map.of("name", "k", "scopes", List.of())).post("/api/api-keys").then().statusCode(403);
        asPerson(noScope).get("/api/jobs").then().statusCode(403);
        asPerson(noScope).get("/api/runners").then().statusCode(403);
        asPerson(noScope).get("/api/queue").then().statusCode(403);
    }

    private static RequestSpecification asPerson(String jwt) {
        return given().header("Authorization", "Bearer " + jwt).contentType("application/json");
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        Api api = Api.newTenant();
        String soon = Instant.now().plusSeconds(2).toString();
        Response created = create(api, Map.of("name", "short", "scopes", List.of("jobs:read"), "expires_at", soon));
        created.then().statusCode(201).body("api_key.expires_at", notNullValue());
        String key = created.path("key");
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(200);
        Thread.sleep(2500);
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(401);
    }

    @Test
    void aKeyCannotHoldMoreThanItsCreatorNorManageKeys() {
        Api api = Api.newTenant();
        String readerJwt = Tokens.person(api.tenant, "jobs:read");
        given().header("Authorization", "Bearer " + readerJwt).contentType("application/json")
                .body(Map.of("name", "escalate", "scopes", List.of("jobs:manage"))).post("/api/api-keys")
                .then().statusCode(403).body("detail", containsString("jobs:manage"));
        given().header("Authorization", "Bearer " + readerJwt).contentType("application/json")
                .body(Map.of("name", "fine", "scopes", List.of("jobs:read"))).post("/api/api-keys")
                .then().statusCode(201);

        String key = key(api, List.of("jobs:manage", "runners:manage"));
        given().header("x-api-key", key).contentType("application/json")
                .body(Map.of("name", "child", "scopes", List.of("jobs:read"))).post("/api/api-keys").then().statusCode(403);
        given().header("x-api-key", key).get("/api/api-keys").then().statusCode(403);
    }

    @Test
    void badRequestsNameTheField() {
        Api api = Api.newTenant();
        create(api, Map.of("scopes", List.of("jobs:read"))).then().statusCode(400).body("errors.field", hasItem("name"));
        create(api, Map.of("name", "x".repeat(101), "scopes", List.of("jobs:read"))).then().statusCode(400)
                .body("errors.field", hasItem("name"));
        create(api, Map.of("name", "n")).then().statusCode(400).body("errors.field", hasItem("scopes"));
        create(api, Map.of("name", "n", "scopes", List.of("jobs:read"), "expires_at", "tomorrow")).then().statusCode(400)
                .body("errors.field", hasItem("expires_at"));
        create(api, Map.of("name", "n", "scopes", List.of("jobs:read"), "expires_at", "2020-01-01T00:00:00Z"))
                .then().statusCode(400).body("errors.field", hasItem("expires_at"));
        // a scope Paddock does not know is bad input, not a scope the caller lacks
        create(api, Map.of("name", "", "scopes", List.of("jobs:read", "jobs:admin"))).then().statusCode(400)
                .body("errors.field", equalTo(List.of("name", "scopes[1]")));
        assertThat(api.person().get("/api/api-keys").then().extract().<Integer>path("total")).isZero();
    }

    @Test
    void anUnknownKeyIsUnauthorizedAndRunnerRoutesStillTakeRunnerTokensInXApiKey() {
        given().header("x-api-key", "pk_" + "A".repeat(43)).get("/api/jobs").then().statusCode(401);
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        given().header("x-api-key", runner.token()).contentType("application/json").body(Map.of())
                .post("/api/runners/heartbeat").then().statusCode(200);
    }
}
