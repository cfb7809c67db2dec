package dev.paddock.ui;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The fleet page in a real browser: sign-in, live status, adding a runner, scopes, tenants, escaping. */
@QuarkusTest
public class FleetPageTest extends BrowserTest {

    static String key(Api api, List<String> scopes) {
        return Browser.key(api, scopes);
    }

    Page signIn(Browser.Watched watched, String credential) {
        return Browser.signIn(watched, ui, credential);
    }

    @Test
    void signedInWithAKeyTheFleetShowsARunnerComingOnlineAndNamesAsText() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("<img src=x onerror=alert(1)>", List.of("linux", "gpu"), 3);
        Browser.Watched watched = browser.open();
        Page page = signIn(watched, key(api, List.of("runners:manage")));

        var row = page.locator("tr[data-runner='" + runner.id() + "']");
        assertThat(row.locator(".name")).hasText("<img src=x onerror=alert(1)>");
        assertThat(row.locator(".badge")).hasText("offline");
        assertThat(page.locator("img")).hasCount(0);
        Api.runner(runner.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        assertThat(row.locator(".badge")).hasText("online", new com.microsoft.playwright.assertions.LocatorAssertions
                .HasTextOptions().setTimeout(10_000));
        assertThat(row).containsText("linux");
        assertThat(row).containsText("0 / 3");
        // a row's buttons are a group named by its runner: "Drain" is read out with whose it is
        assertThat(page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("<img src=x onerror=alert(1)>"))
                .getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Drain")))
                .isVisible();
        Browser.screenshot(page, "fleet");
        assertThat(watched.errors()).isEmpty();
        assertThat((Boolean) page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
    }

    /** The fleet is paged on the server: 50 runners to a page, the next a click away. */
    @Test
    void aLargeFleetIsShownAPageAtATime() {
        Api api = Api.newTenant();
        for (int i = 1; i <= 55; i++) {
            api.createRunner(String.format("pool-%03d", i), List.of("linux"), 1);
        }
        Browser.Watched watched = browser.open();
        Page page = signIn(watched, key(api, List.of("runners:read")));
        Browser.walksTwoPages(page, "#runners .count", "#runners tr[data-runner]", "55 runners, 1–50",
                "55 runners, 51–55", 5);
        var rows = page.locator("#runners tr[data-runner]");
        page.getByLabel("Name contains").fill("pool-05");
        assertThat(page.locator("#runners .count")).containsText("6 runners");
        assertThat(rows).hasCount(6);
        assertThat(watched.errors()).isEmpty();
    }

    /**
     * The fleet is in name order, so a row stays where it is as heartbeats arrive (the API lists the
     * runner heard from last first); a label typed in capitals means the lower-case label, and one
     * that is no label empties the list and says why instead of leaving rows that do not match.
     */
    @Test
    void theFleetIsInNameOrderAndItsLabelFilterTakesWhatPeopleType() {
        Api api = Api.newTenant();
        Api.RunnerRef beta = api.createRunner("beta", List.of("gpu"), 1);
        api.createRunner("alpha", List.of("linux"), 1);
        List<String> many = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "a-rather-long-label-" + i).toList();
        api.createRunner("gamma", many, 1);
        Api.runner(beta.token()).body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200);
        Browser.Watched watched = browser.open();
        Page page = signIn(watched, key(api, List.of("runners:read")));
        var names = page.locator("#runners tr[data-runner] .name");
        assertThat(names).hasText(new String[] {"alpha", "beta", "gamma"});
        // a row with many labels leaves the other columns their words: each status on one line
        List<?> heights = (List<?>) page.locator("#runners .badge")
                .evaluateAll("badges => badges.map(badge => badge.getBoundingClientRect().height)");
        assertThat(heights).hasSize(3).allSatisfy(height -> assertThat(((Number) height).doubleValue()).isLessThan(30));

        var label = page.getByLabel("Label", new Page.GetByLabelOptions().setExact(true));
        label.fill("GPU");
        assertThat(names).hasText(new String[] {"beta"});
        label.fill("no-runner-has-this");
        assertThat(page.locator("#runners")).containsText("No runner matches.");
        assertThat(watched.errors()).isEmpty();
        label.fill("gpu!");
        assertThat(page.locator("#runners tr[data-runner]")).hasCount(0);
        assertThat(page.locator("#notice")).containsText("label");
    }

    @Test
    void addingARunnerShowsItsTokenAndInstallLineOnce() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = signIn(watched, key(api, List.of("runners:manage")));
        page.getByLabel("New runner").fill("added-in-browser");
        page.getByLabel("Labels").fill("linux, arm");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add runner")).click();
        var dialog = page.locator("#shown-once");
        assertThat(dialog).isVisible();
        String token = page.locator("#shown-once-value").textContent();
        assertThat(token).startsWith("rn_");
        assertThat(page.locator("#shown-once-extra")).containsText("| sh -s -- --start");
        Browser.screenshot(page, "fleet-add-runner");
        dialog.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Close")).click();
        assertThat(page.locator("#runners")).containsText("added-in-browser");
        assertThat(page.locator("#runners")).not().containsText(token);
        // the token works: the runner it names is the one added
        Api.runner(token).body(Map.of()).post("/api/runners/heartbeat").then().statusCode(200);
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void anotherTenantsKeySeesNoneOfItAndAReadOnlyKeyGetsNoButtons() {
        Api api = Api.newTenant();
        api.createRunner("theirs", List.of(), 1);
        Api other = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = signIn(watched, key(other, List.of("runners:read")));
        // an empty fleet says so (a read-only key is not pointed at "Add runner"), a filter that finds none too
        assertThat(page.locator("#runners")).containsText("No runners yet.");
        assertThat(page.locator("#runners")).not().containsText("theirs");
        assertThat(page.locator("#add-runner")).isHidden();

        other.createRunner("mine", List.of(), 1);
        page.reload();
        assertThat(page.locator("#runners")).containsText("mine");
        assertThat(page.locator("#runners button")).hasCount(0);
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void aKeyWithoutTheScopeIsToldSoAndNothingIsAskedAndARefusedOneReturnsToSignIn() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        List<String> asked = new CopyOnWriteArrayList<>();
        watched.page().onRequest(request -> asked.add(request.url()));
        Page page = signIn(watched, key(api, List.of("webhooks:manage"))); // (one who may read jobs is sent to them)
        assertThat(page.locator("#runners")).containsText("does not hold runners:read");
        assertThat(asked).noneMatch(url -> url.contains("/ui/fragments/"));

        Browser.Watched refused = browser.open();
        Page again = refused.page();
        again.navigate(ui.toString() + "sign-in");
        again.getByLabel("An API key (pk_…) or a JWT").fill("pk_not_a_key_at_all_not_a_key_at_all_not_a_k");
        again.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(again.locator("#sign-in-reason")).containsText("refused");
        assertThat(again).hasURL(java.util.regex.Pattern.compile(".*/ui/sign-in$"));
        Browser.screenshot(again, "sign-in");
    }
}
