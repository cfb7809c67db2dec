package dev.paddock.ui;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person using the dashboard notices beyond its data: a refusal that stays until they act
 * again, the focus kept through the pages' refresh (every 5 s), a phone's screen, a deep link
 * through the sign-in, a mistyped link, a job's result, and a person who may read jobs only.
 */
@QuarkusTest
public class DashboardUsabilityTest extends BrowserTest {

    /** Longer than the pages' refresh (5 s): what a refresh would have undone has been undone. */
    private static final double PAST_A_REFRESH_MS = 6_500;

    @Test
    void aRefusalStaysShownThroughThePagesRefreshAndNamesTheField() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("runners:manage")));
        page.getByLabel("New runner").fill("bad-labels");
        page.getByLabel("Labels").fill("linux, GPU");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add runner")).click();
        assertThat(page.locator("#notice")).containsText("labels[1]");
        page.waitForTimeout(PAST_A_REFRESH_MS);
        assertThat(page.locator("#notice")).isVisible();
        assertThat(page.locator("#notice")).containsText("labels[1]");
        // until they close it
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Dismiss this notice")).click();
        assertThat(page.locator("#notice")).isHidden();
    }

    @Test
    void theKeyboardsFirstStopSkipsToTheContent() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("runners:read")));
        var skip = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Skip to the content"));
        assertThat(skip).not().isInViewport();
        page.keyboard().press("Tab");
        assertThat(skip).isFocused();
        assertThat(skip).isInViewport();
        page.keyboard().press("Enter");
        assertThat(page.locator("main")).isFocused();
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void theFocusStaysOnARowsButtonThroughThePagesRefresh() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("runners:manage")));
        var drain = page.locator("tr[data-runner='" + runner.id() + "'] button", new Page.LocatorOptions().setHasText("Drain"));
        drain.focus();
        page.waitForTimeout(PAST_A_REFRESH_MS);
        assertThat((String) page.evaluate("document.activeElement.dataset.url || ''")).contains(runner.id());
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void onAPhoneTheHeaderAndTheFleetFitTheScreen() {
        Api api = Api.newTenant();
        api.createRunner("a-runner-with-a-rather-long-name-01", List.of("linux", "gpu", "high-memory"), 4);
        Browser.Watched watched = browser.open();
        Page page = watched.page();
        page.setViewportSize(375, 800);
        Browser.signIn(watched, ui, Browser.key(api, List.of("runners:manage")));
        assertThat(page.locator("tr[data-runner]")).hasCount(1);
        Browser.screenshot(page, "fleet-phone");
        assertThat((Boolean) page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
        // a row stays a line high: its action buttons side by side, not stacked down the screen
        var row = page.locator("tr[data-runner]").boundingBox();
        var name = page.locator("tr[data-runner] td.name").boundingBox();
        assertThat(row.height).isLessThan(2.5 * name.height);
        var signOut = page.locator("#sign-out").boundingBox();
        assertThat(signOut.x + signOut.width).isLessThanOrEqualTo(375);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Events"))).isInViewport();
        // each filter's label stays on the line of its input
        for (String input : List.of("filter-status", "filter-label", "filter-q", "add-name", "add-labels")) {
            var label = page.locator("label[for='" + input + "']").boundingBox();
            var box = page.locator("#" + input).boundingBox();
            assertThat(Math.abs(label.y + label.height / 2 - (box.y + box.height / 2))).as(input).isLessThan(box.height / 2);
        }
    }

    @Test
    void aDeepLinkLeadsBackToItsPageOnceSignedIn() {
        Api api = Api.newTenant();
        String job = api.enqueue(Map.of("type", "deep-linked"));
        Browser.Watched watched = browser.open();
        Page page = watched.page();
        page.navigate(ui + "jobs/" + job);
        page.waitForURL("**/ui/sign-in");
        assertThat(page.locator("#sign-out")).isHidden(); // nobody to sign out yet
        page.getByLabel("An API key (pk_…) or a JWT").fill(Browser.key(api, List.of("jobs:read")));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/ui/jobs/" + job);
        assertThat(page.locator("#job")).containsText("deep-linked", SOON);
        assertThat(page.locator("header nav a[aria-current='page']")).hasText("Jobs");
    }

    @Test
    void aMistypedJobLinkIsAPageThatSaysSoAndStopsAsking() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read", "runners:read")));
        AtomicInteger asked = new AtomicInteger();
        page.onRequest(request -> {
            if (request.url().endsWith("/ui/fragments/jobs/not-a-job")) {
                asked.incrementAndGet();
            }
        });
        page.navigate(ui + "jobs/not-a-job");
        assertThat(page.locator("#notice")).containsText("not found", SOON);
        // the page, not a problem document, and nothing of a job it does not have
        assertThat(page.locator("h1")).hasText("Job not found");
        assertThat(page.locator("#job-log")).isHidden();
        assertThat(page.locator("#log-filters")).isHidden();
        page.waitForTimeout(PAST_A_REFRESH_MS);
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void aFinishedJobShowsItsResult() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "success", "result", Map.of("exit_code", 0, "artifacts", List.of("dist/app.tar"))))
                .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200);
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read", "runners:read")));
        page.navigate(ui + "jobs/" + running.jobId());
        assertThat(page.locator("#job pre.json")).containsText("\"exit_code\" : 0", SOON);
        assertThat(page.locator("#job pre.json")).containsText("dist/app.tar");
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void aPersonWhoMayReadJobsOnlyLandsOnTheJobs() {
        Api api = Api.newTenant();
        api.enqueue(Map.of("type", "visible-job"));
        Browser.Watched watched = browser.open();
        Page page = watched.page();
        page.navigate(ui.toString());
        page.waitForURL("**/ui/sign-in");
        page.getByLabel("An API key (pk_…) or a JWT").fill(Browser.key(api, List.of("jobs:read")));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/ui/jobs");
        assertThat(page.locator("#jobs")).containsText("visible-job", SOON);
    }
}
