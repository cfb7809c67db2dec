package dev.paddock.ui;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The jobs list and a job's page in a real browser: the live log, cancel, escaping. */
@QuarkusTest
public class JobPageTest extends BrowserTest {

    @Test
    void aJobsLogAppearsLiveOnItsPageAndThePageCancelsIt() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of("linux"), 1);
        String jobId = api.enqueue(Map.of("type", "build", "name", "Build <b>main</b>", "labels", List.of("linux")));
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:manage", "runners:read")));

        page.navigate(ui + "jobs");
        var link = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Build <b>main</b>"));
        assertThat(link).isVisible();
        // times as people read them, the exact one in the title
        assertThat(page.locator("#jobs tr[data-job='" + jobId + "'] time")).containsText(" ago");
        assertThat(page.locator("#jobs tr[data-job='" + jobId + "'] time")).hasAttribute("title",
                java.util.regex.Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT"));
        Browser.screenshot(page, "jobs");
        link.click();
        page.waitForURL("**/ui/jobs/" + jobId);
        assertThat(page.locator("#job")).containsText("queued");
        assertThat(page.locator("#job")).containsText("Why it waits");
        assertThat(page.locator("#log").evaluate("log => getComputedStyle(log, '::before').content"))
                .as("a log without lines says so").isEqualTo("\"No log lines yet.\"");
        assertThat(page.locator("#job .waiting")).containsText(java.util.regex.Pattern.compile(
                "(next in line|matching runners busy|matching runners offline|matching runners draining|no matching runner)"
                        + " · \\d+ matching runners? · position \\d+ · waited \\d+ (ms|s|min|h|d)$"));

        Map<String, Object> claimed = Api.claimOne(runner.token());
        String lease = (String) claimed.get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease)
                .body(Map.of("lines", List.of("cloning the repository", "<script>alert(1)</script>",
                        Map.of("level", "warn", "message", "a warning"))))
                .post("/api/runners/jobs/" + jobId + "/logs").then().statusCode(200);
        assertThat(page.locator("#log")).containsText("cloning the repository", SOON);
        assertThat(page.locator("#log")).containsText("<script>alert(1)</script>");
        assertThat(page.locator("#log .line").first()).containsText("#1");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("lines", List.of("later line")))
                .post("/api/runners/jobs/" + jobId + "/logs").then().statusCode(200);
        assertThat(page.locator("#log")).containsText("later line", SOON);

        page.selectOption("#log-level", "warn");
        assertThat(page.locator("#log .line:not([hidden])")).hasCount(1);
        page.selectOption("#log-level", "debug");
        assertThat(page.locator("#job")).containsText("running", SOON);
        assertThat(page.locator("#job dd time")).hasText(new java.util.regex.Pattern[] {
                java.util.regex.Pattern.compile(" ago$"), java.util.regex.Pattern.compile(" ago$")}); // created, started
        Browser.screenshot(page, "job");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel")).click();
        assertThat(page.locator("#job .badge")).containsText("cancelled", SOON);
        api.person().get("/api/jobs/" + jobId).then().statusCode(200)
                .body("job.status", org.hamcrest.Matchers.is("cancelled"));
        assertThat(page.locator("#log-state")).containsText("over", SOON);
        assertThat(page.locator("#job")).not().containsText("Cancel");
        assertThat(watched.errors()).isEmpty();
    }

    @Test
    void aFinishedJobCanBeRetriedFromItsPageAndAReadOnlyKeyGetsNoButtons() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failure", "error", "exit 1")).post("/api/runners/jobs/" + running.jobId() + "/result")
                .then().statusCode(200);
        Browser.Watched reader = browser.open();
        Page readOnly = Browser.signIn(reader, ui, Browser.key(api, List.of("jobs:read")));
        readOnly.navigate(ui + "jobs/" + running.jobId());
        assertThat(readOnly.locator("#job")).containsText("exit 1");
        assertThat(readOnly.locator("#job button")).hasCount(0);

        Browser.Watched manager = browser.open();
        Page page = Browser.signIn(manager, ui, Browser.key(api, List.of("jobs:manage")));
        page.navigate(ui + "jobs/" + running.jobId());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry")).click();
        page.waitForURL(url -> !url.endsWith(running.jobId()) && url.contains("/ui/jobs/"));
        assertThat(page.locator("#job")).containsText("queued");
        assertThat(page.locator("#job")).containsText("Retry of");
        assertThat(reader.errors()).isEmpty();
        assertThat(manager.errors()).isEmpty();
    }

    /**
     * A long log costs the browser a few pages: the page opens on the last lines, earlier pages
     * come on request, and while the tail is followed at most 2,000 lines stay in the page.
     */
    @Test
    void aLongLogOpensAtItsTailPagesBackAndKeepsTheBrowserLight() {
        Api api = Api.newTenant();
        Api.RunningJob running = api.runningJob();
        appendLines(running, 1, 1200);
        Browser.Watched watched = browser.open();
        Page page = Browser.signIn(watched, ui, Browser.key(api, List.of("jobs:read")));
        page.navigate(ui + "jobs/" + running.jobId());

        var lines = page.locator("#log .line");
        assertThat(lines.last()).containsText("line 1200", SOON);
        assertThat(lines).hasCount(500);
        assertThat(lines.first()).containsText("line 701");
        // scrolling up to read stops following the tail, scrolling back to the end follows it again
        assertThat(page.locator("#log-follow")).isChecked();
        page.locator("#log").evaluate("log => { log.scrollTop = 0; }");
        assertThat(page.locator("#log-follow")).not().isChecked();
        page.locator("#log").evaluate("log => { log.scrollTop = log.scrollHeight; }");
        assertThat(page.locator("#log-follow")).isChecked();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Earlier lines")).click();
        assertThat(lines).hasCount(1000);
        assertThat(lines.first()).containsText("line 201");
        assertThat(page.locator("#log-follow")).not().isChecked();

        page.locator("#log-follow").check();
        appendLines(running, 1201, 2400);
        assertThat(lines.last()).containsText("line 2400", SOON);
        assertThat(lines).hasCount(2000);
        assertThat(lines.first()).containsText("line 401");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Earlier lines"))).isVisible();
        assertThat(watched.errors()).isEmpty();
    }

    /** Lines "line {from}" to "line {to}" from the job's runner, 200 to a batch. */
    private static void appendLines(Api.RunningJob running, int from, int to) {
        for (int start = from; start <= to; start += 200) {
            List<String> batch = java.util.stream.IntStream.rangeClosed(start, Math.min(to, start + 199))
                    .mapToObj(n -> "line " + n).toList();
            Api.runner(running.runner().token()).header("X-Lease-Id", running.lease()).body(Map.of("lines", batch))
                    .post("/api/runners/jobs/" + running.jobId() + "/logs").then().statusCode(200);
        }
    }
}
