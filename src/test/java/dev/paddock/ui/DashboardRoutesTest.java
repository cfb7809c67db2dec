package dev.paddock.ui;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The dashboard's routes: pages hold no data and need no credential; fragments are guarded as the
 * API routes they mirror; every answer under /ui carries the strict CSP.
 */
@QuarkusTest
class DashboardRoutesTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'";

    @Test
    void pagesAreShellsWithTheStrictPolicyAndTheirScriptsAreServedHere() {
        for (String page : List.of("/ui/", "/ui/sign-in", "/ui/jobs", "/ui/jobs/" + java.util.UUID.randomUUID(),
                "/ui/queue", "/ui/api-keys", "/ui/events")) {
            given().get(page).then().statusCode(200).contentType(containsString("text/html"))
                    .header("Content-Security-Policy", is(CSP))
                    .body(not(containsString("<script>"))).body(not(containsString("style=")));
        }
        // the dev sign-in mints tokens through POST /dev/token, which only a dev build has
        given().get("/ui/sign-in").then().body(not(containsString("Dev sign-in")));
        String page = given().get("/ui/").then().extract().asString();
        String htmx = page.replaceAll("(?s).*<script src=\"([^\"]*htmx[^\"]*)\".*", "$1");
        given().get(htmx).then().statusCode(200);
        given().get("/ui/static/app.js").then().statusCode(200).header("Content-Security-Policy", is(CSP));
        given().get("/ui/static/app.css").then().statusCode(200);
    }

    @Test
    void fragmentsAreGuardedAsTheApiRoutesTheyShow() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        given().get("/ui/fragments/runners").then().statusCode(401).contentType(containsString("application/problem+json"));
        given().header("X-Runner-Token", runner.token()).get("/ui/fragments/runners").then().statusCode(401);
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).get("/ui/fragments/runners").then().statusCode(403);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).queryParam("status", "sideways")
                .get("/ui/fragments/runners").then().statusCode(400).body("errors[0].field", is("status"));
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/ui/fragments/runners").then()
                .statusCode(200).body(containsString(runner.id())).body(not(containsString("Drain")));

        String job = api.enqueue("t", List.of());
        given().get("/ui/fragments/jobs").then().statusCode(401);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/ui/fragments/jobs").then().statusCode(403);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/ui/fragments/jobs/" + job).then().statusCode(403);
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).get("/ui/fragments/jobs/" + job).then()
                .statusCode(200).body(containsString(job)).body(not(containsString("Cancel")));
        given().auth().oauth2(Tokens.person(Tokens.newTenant(), "jobs:read")).get("/ui/fragments/jobs/" + job).then()
                .statusCode(404);
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).get("/ui/fragments/jobs/not-a-uuid").then()
                .statusCode(404);
        given().get("/ui/fragments/jobs/" + job + "/log").then().statusCode(401);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/ui/fragments/jobs/" + job + "/log").then()
                .statusCode(403);
        given().auth().oauth2(Tokens.person(Tokens.newTenant(), "jobs:read")).get("/ui/fragments/jobs/" + job + "/log")
                .then().statusCode(404);
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).queryParam("before", "soon")
                .get("/ui/fragments/jobs/" + job + "/log").then().statusCode(400).body("errors[0].field", is("before"));
        given().auth().oauth2(Tokens.person(api.tenant, "jobs:read")).get("/ui/fragments/jobs/" + job + "/log").then()
                .statusCode(200).body(containsString("data-last=\"0\""));

        String key = api.person().body(java.util.Map.of("name", "k", "scopes", List.of("jobs:read")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        given().get("/ui/fragments/api-keys").then().statusCode(401);
        given().header("x-api-key", key).get("/ui/fragments/api-keys").then().statusCode(403);
        given().auth().oauth2(api.jwt).get("/ui/fragments/api-keys").then().statusCode(200)
                .body(containsString(key.substring(0, 10)));
        given().get("/ui/fragments/queue").then().statusCode(401);
        given().auth().oauth2(Tokens.person(api.tenant, "runners:read")).get("/ui/fragments/queue").then().statusCode(403);
    }
}
