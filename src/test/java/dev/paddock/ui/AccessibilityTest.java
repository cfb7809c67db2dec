package dev.paddock.ui;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page of the dashboard, with data in it, at a desktop's width and a phone's, passes
 * axe-core's rules (WCAG 2.1 A and AA and axe's best practices): names for every control,
 * contrast, landmarks, headings, scrolling regions a keyboard can reach.
 */
@QuarkusTest
public class AccessibilityTest extends BrowserTest {

    private static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice");

    @Test
    void everyPageWithDataPassesAxeCoresRules() {
        Api api = Api.newTenant();
        api.onlineRunner(List.of("linux", "gpu"), 2);
        api.createRunner("idle-builder", List.of("arm64"), 1);
        api.enqueue("lint", List.of("windows"));
        Api.RunningJob running = api.runningJob();
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("lines", java.util.stream.Stream.<Object>concat(java.util.stream.Stream.of("cloning", Map.of("level", "warn", "message", "a warning")),
                        java.util.stream.IntStream.range(0, 60).mapToObj(i -> "step " + i)).toList())) // a log that scrolls
                .post("/api/runners/jobs/" + running.jobId() + "/logs").then().statusCode(200);
        Api.runner(running.runner().token()).header("X-Lease-Id", running.lease())
                .body(Map.of("status", "failure", "error", "exit 1", "summary", "two issues",
                        "issues", List.of(Map.of("severity", "error", "file", "a.java", "line", 3, "message", "null check"))))
                .post("/api/runners/jobs/" + running.jobId() + "/result").then().statusCode(200);
        Browser.key(api, List.of("jobs:read"));

        Browser.Watched watched = browser.open();
        Page page = watched.page();
        List<String> violations = new java.util.ArrayList<>();
        page.navigate(ui + "sign-in");
        violations.addAll(violations(page, "sign-in"));
        Browser.signIn(watched, ui, api.jwt);
        // each page once what it shows has arrived (a page that streams is never idle)
        List<List<String>> pages = List.of(
                List.of("fleet", "", "#runners table"),
                List.of("queue", "queue", "#queue table"),
                List.of("jobs", "jobs", "#jobs table"),
                List.of("job", "jobs/" + running.jobId(), "#log .line"),
                List.of("api-keys", "api-keys", "#api-keys table"),
                List.of("events", "events", "#events .event"));
        for (List<String> shown : pages) {
            page.navigate(ui + shown.get(1));
            assertThat(page.locator(shown.get(2)).first()).isVisible();
            violations.addAll(violations(page, shown.get(0)));
        }
        // on a phone, where a wide table scrolls inside itself
        page.setViewportSize(390, 844);
        for (List<String> shown : pages) {
            page.navigate(ui + shown.get(1));
            assertThat(page.locator(shown.get(2)).first()).isVisible();
            violations.addAll(violations(page, shown.get(0) + " on a phone"));
        }
        page.setViewportSize(1280, 900);
        assertThat(watched.errors()).isEmpty();
        // and a job that is not there (its 404s are the browser's console errors here)
        page.navigate(ui + "jobs/" + java.util.UUID.randomUUID());
        assertThat(page.locator("#notice")).isVisible();
        violations.addAll(violations(page, "missing job"));
        assertThat(violations).isEmpty();
    }

    /** What axe-core finds wrong on the page as it stands, a line a rule, with where. */
    private static List<String> violations(Page page, String name) {
        List<Rule> found = new AxeBuilder(page).withTags(TAGS).analyze().getViolations();
        return found.stream()
                .map(rule -> name + ": " + rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                        + rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining(", ")))
                .toList();
    }
}
