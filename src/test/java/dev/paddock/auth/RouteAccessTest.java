package dev.paddock.auth;

import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Method;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation the service publishes needs credentials, apart from the few named here: each
 * route declares its callers, and one that declares none is closed.
 */
@QuarkusTest
public class RouteAccessTest {

    /**
     * Open to anyone: the dev profile's token minting (absent from test and prod builds), and the
     * reference agent's download, which a runner machine fetches with nothing but its install script.
     */
    static final Set<String> PUBLIC_ROUTES = Set.of("POST /dev/token", "GET /agent/paddock-agent.jar",
            "GET /agent/paddock-agent.jar.sha256");

    @Test
    void everyPublishedOperationRefusesAnAnonymousCaller() {
        List<String> open = new ArrayList<>();
        List<String> walked = walk((method, path) -> {
            Response response = given().contentType("application/json").body("{}").request(method, path);
            if (response.statusCode() != 401 || !response.contentType().startsWith("application/problem+json")) {
                open.add(method + " " + path + " -> " + response.statusCode());
            }
        });
        assertThat(walked).hasSizeGreaterThan(25);
        assertThat(open).isEmpty();
    }

    /** The runners' routes too: a JWT without the credential they take, and without any of Paddock's scopes. */
    @Test
    void aJwtHoldingNoneOfPaddocksScopesIs403OnEveryRoute() {
        Api api = Api.newTenant();
        String scopeless = Tokens.person(api.tenant, "openid profile");
        List<String> wrong = new ArrayList<>();
        List<String> walked = walk((method, path) -> {
            Response response = given().auth().oauth2(scopeless).contentType("application/json").body("{}")
                    .request(method, path);
            if (response.statusCode() != 403 || !response.contentType().startsWith("application/problem+json")) {
                wrong.add(method + " " + path + " -> " + response.statusCode());
            }
        });
        assertThat(walked).hasSizeGreaterThan(25);
        assertThat(wrong).isEmpty();
        // a JWT with a scope is still the wrong credential there
        given().auth().oauth2(api.jwt).contentType("application/json").body("{}").post("/api/runners/heartbeat")
                .then().statusCode(401);
    }

    @Test
    void peoplesRoutesRefuseRunnerTokensAndAgentRoutesRefuseJwts() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        List<String> wrong = new ArrayList<>();
        walk((method, path) -> {
            boolean agentRoute = path.startsWith("/api/runners/jobs") || path.startsWith("/api/runners/tasks")
                    || path.endsWith("/heartbeat") || path.startsWith("/v1/runners/") && !path.endsWith("/register");
            boolean shared = path.equals("/api/runners/" + ID) && (method == Method.PATCH || method == Method.DELETE);
            if (shared || path.endsWith("/register") || path.endsWith("/setup")) {
                return;
            }
            Response response = agentRoute
                    ? given().auth().oauth2(api.jwt).contentType("application/json").body("{}").request(method, path)
                    : given().header("X-Runner-Token", runner.token()).contentType("application/json").body("{}")
                    .request(method, path);
            if (response.statusCode() != 401) {
                wrong.add(method + " " + path + " -> " + response.statusCode());
            }
        });
        assertThat(wrong).isEmpty();
    }

    private static final String ID = UUID.randomUUID().toString();

    /** Calls {@code call} for every operation of /q/openapi, path parameters filled with a fresh id. */
    private static List<String> walk(java.util.function.BiConsumer<Method, String> call) {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        List<String> walked = new ArrayList<>();
        paths.forEach((template, operations) -> operations.keySet().forEach(verb -> {
            Method method;
            try {
                method = Method.valueOf(verb.toUpperCase());
            } catch (IllegalArgumentException notAnOperation) {
                return;
            }
            if (PUBLIC_ROUTES.contains(method + " " + template)) {
                return;
            }
            String path = template.replaceAll("\\{[^}]+}", ID);
            call.accept(method, path);
            walked.add(method + " " + template);
        }));
        return walked;
    }
}
