package dev.paddock.ui;

import com.microsoft.playwright.Page;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The queue page in a real browser: label sets, waits, and the ones no runner can serve. */
@QuarkusTest
public class QueuePageTest extends BrowserTest {

    @Test
    void theQueueShowsEachLabelSetAndMarksTheOnesNoRunnerCanServe() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 2);
        api.enqueue("t", List.of("linux"));
        api.enqueue("t", List.of("linux"));
        api.enqueue("t", List.of("gpu"));
        Api.runner(runner.token()).body(Map.of("limit", 1)).post("/api/runners/jobs/claim").then().statusCode(200);
        Api other = Api.newTenant();
        other.enqueue("t", List.of("theirs"));

        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read", "runners:read")));
        page.navigate(ui + "queue");
        var linux = page.locator("#queue tr", new Page.LocatorOptions().setHasText("linux"));
        assertThat(linux).containsText("1");
        assertThat(linux).not().containsText("no matching runner");
        assertThat(linux.locator("td").nth(3)).containsText(" ms");
        var gpu = page.locator("#queue tr", new Page.LocatorOptions().setHasText("gpu"));
        assertThat(gpu).containsText("no matching runner");
        assertThat(page.locator("#queue")).not().containsText("theirs");
        Browser.screenshot(page, "queue");
        assertThat(watched.errors()).isEmpty();
    }
}
