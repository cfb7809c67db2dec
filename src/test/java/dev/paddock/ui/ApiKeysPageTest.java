package dev.paddock.ui;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.paddock.support.Api;
import dev.paddock.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The API keys page in a real browser: a person creates and revokes keys; a key is told keys are people's. */
@QuarkusTest
public class ApiKeysPageTest extends BrowserTest {

    @Test
    void aPersonCreatesAKeyWithSomeOfTheirScopesSeesItOnceAndRevokesIt() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Tokens.person(api.tenant, "alice", "jobs:manage runners:read"));
        page.navigate(ui + "api-keys");
        page.getByLabel("Name").fill("ci <bot>");
        page.getByLabel("jobs:read").check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
        assertThat(page.locator("#shown-once")).isVisible();
        String key = page.locator("#shown-once-value").textContent();
        assertThat(key).startsWith("pk_");
        page.locator("#shown-once").getByRole(AriaRole.BUTTON,
                new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Close")).click();
        var row = page.locator("#api-keys tr", new Page.LocatorOptions().setHasText("ci <bot>"));
        assertThat(row).containsText("jobs:read");
        assertThat(row.locator("time").first()).hasText(java.util.regex.Pattern.compile("^\\d+ s ago$"));
        assertThat(row).containsText("never"); // not used yet
        assertThat(page.locator("#api-keys")).not().containsText(key);
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(200);
        Browser.screenshot(page, "api-keys");

        row.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(page.locator("#api-keys")).not().containsText("ci <bot>");
        given().header("x-api-key", key).get("/api/jobs").then().statusCode(401);
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void signedInWithAKeyThePageSaysKeysAreManagedByPeopleAndCallsNothing() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        List<String> asked = new CopyOnWriteArrayList<>();
        watched.page().onRequest(request -> asked.add(request.url()));
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read")));
        page.navigate(ui + "api-keys");
        assertThat(page.locator("#keys-by-people")).isVisible();
        assertThat(page.locator("#add-key")).hasCount(0);
        assertThat(asked).noneMatch(url -> url.contains("api-keys") && !url.endsWith("/ui/api-keys"));
        assertThat(watched.errors()).isEmpty();
    }

    /** Keys are paged on the server as the fleet is: 50 to a page, the next a click away. */
    @Test
    void manyKeysAreShownAPageAtATime() {
        Api api = Api.newTenant();
        for (int i = 1; i <= 52; i++) {
            api.person().body(java.util.Map.of("name", String.format("key-%03d", i), "scopes", List.of("jobs:read")))
                    .post("/api/api-keys").then().statusCode(201);
        }
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Tokens.person(api.tenant, "jobs:read"));  // the keys' creator
        page.navigate(ui + "api-keys");
        Browser.walksTwoPages(page, "#api-keys .count", "#api-keys tr[data-key]", "52 API keys, 1–50",
                "52 API keys, 51–52", 2);
        assertThat(watched.errors()).isEmpty();
    }
}
