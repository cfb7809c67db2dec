package dev.paddock.ui;

import com.microsoft.playwright.Page;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The activity feed in a real browser: the tenant's latest events, then live, only those the credential may read. */
@QuarkusTest
public class EventsPageTest extends BrowserTest {

    @Test
    void eventsAppearLiveAndOnlyThoseTheCredentialMayRead() {
        Api api = Api.newTenant();
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read")));
        page.navigate(ui + "events");
        assertThat(page.locator("#events-state")).containsText("live", SOON);
        assertThat(page.locator("#events").evaluate("feed => getComputedStyle(feed, '::before').content"))
                .as("an empty feed says so").isEqualTo("\"No events yet: they appear here as they happen.\"");

        String job = api.enqueue(Map.of("type", "build", "name", "<i>nightly</i>"));
        api.createRunner("not for this key", List.of(), 1);
        Api.newTenant().enqueue(Map.of("type", "elsewhere"));
        assertThat(page.locator("#events")).containsText("paddock.job.queued", SOON);
        assertThat(page.locator("#events")).containsText("<i>nightly</i>");
        // the time as the person's clock reads it, the exact one in its title
        var time = page.locator("#events .event time").first();
        assertThat(time).hasAttribute("datetime", java.util.regex.Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT"));
        assertThat(time).hasAttribute("title", time.getAttribute("datetime"));
        assertThat(time).not().hasText(java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\dT"));
        assertThat(page.locator("#events")).not().containsText("paddock.runner.created");
        assertThat(page.locator("#events")).not().containsText("elsewhere");
        assertThat(page.locator("#events").evaluate("feed => getComputedStyle(feed, '::before').content"))
                .as("a feed with events has no empty-state line").isEqualTo("none");
        Browser.screenshot(page, "events");

        // opened again, the page shows what happened before it, once, and goes on live
        page.reload();
        assertThat(page.locator("#events-state")).containsText("live", SOON);
        assertThat(page.locator("#events .event")).hasCount(1);
        api.enqueue(Map.of("type", "build", "name", "later"));
        assertThat(page.locator("#events .event")).hasCount(2, new com.microsoft.playwright.assertions.LocatorAssertions
                .HasCountOptions().setTimeout(10_000));
        assertThat(page.locator("#events .event").first()).containsText("later");

        page.locator("#events a", new Page.LocatorOptions().setHasText("<i>nightly</i>")).click();
        page.waitForURL("**/ui/jobs/" + job);
        assertThat(page.locator("main")).containsText("build", SOON);
        assertThat(watched.errors()).isEmpty();
    }
}
