package dev.paddock.ui;

import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The installed Chromium driven by Playwright, for the dashboard's tests: Playwright downloads no
 * browser here ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}); the binary is
 * {@code PADDOCK_TEST_CHROMIUM}, else Debian's {@code /usr/bin/chromium}. Every page records its
 * console errors and uncaught exceptions (a CSP violation is a console error), and fails on any
 * dialog it did not expect (an {@code alert} of injected script would be one).
 */
public final class Browser implements AutoCloseable {

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    /** What went wrong in a page's console, and the dialogs it opened. */
    public record Watched(Page page, List<String> errors) {
    }

    public Browser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        String binary = System.getenv().getOrDefault("PADDOCK_TEST_CHROMIUM", "/usr/bin/chromium");
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(binary)).setHeadless(true).setArgs(List.of("--no-sandbox")));
    }

    /** A fresh context (its own sessionStorage) at 1280 px, watched. */
    public Watched open() {
        Page page = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900)).newPage();
        List<String> errors = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                errors.add("console: " + message.text());
            }
        });
        page.onPageError(error -> errors.add("page error: " + error));
        page.onDialog(dialog -> {
            if ("confirm".equals(dialog.type())) {
                dialog.accept();
            } else {
                errors.add("unexpected " + dialog.type() + ": " + dialog.message());
                dialog.dismiss();
            }
        });
        return new Watched(page, errors);
    }

    /** An API key of the tenant with these scopes. */
    public static String key(dev.paddock.support.Api api, List<String> scopes) {
        return api.person().body(Map.of("name", "dashboard", "scopes", scopes)).post("/api/api-keys")
                .then().statusCode(201).extract().path("key");
    }

    /**
     * Signs in on the sign-in page with a credential; lands on the fleet page ({@code ui} is /ui/),
     * or on the jobs for a credential that may read only them.
     */
    public static Page signIn(Watched watched, java.net.URL ui, String credential) {
        Page page = watched.page();
        page.navigate(ui.toString());
        page.waitForURL("**/ui/sign-in");
        page.getByLabel("An API key (pk_…) or a JWT").fill(credential);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(url -> !url.endsWith("/ui/sign-in"));
        return page;
    }

    /**
     * Walks a server-paged table to its second page and back: {@code count} is its count line
     * (e.g. "55 runners, 1–50" on the first page), {@code rows} its rows; the first page holds 50.
     */
    public static void walksTwoPages(Page page, String count, String rows, String firstCount, String secondCount,
                                     int secondRows) {
        var shown = page.locator(rows);
        assertThat(page.locator(count)).containsText(firstCount);
        assertThat(shown).hasCount(50);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next")).focus();
        page.keyboard().press("Enter");
        assertThat(page.locator(count)).containsText(secondCount);
        assertThat(shown).hasCount(secondRows);
        // the keyboard stays on the pager (here its other button, at the last page), not at the top
        org.assertj.core.api.Assertions.assertThat(page.evaluate("document.activeElement.dataset.pager")).isEqualTo("previous");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Previous")).click();
        assertThat(shown).hasCount(50);
    }

    /** Saves a screenshot of the page under target/ui-screenshots/. */
    public static void screenshot(Page page, String name) {
        try {
            Files.createDirectories(Path.of("target/ui-screenshots"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/ui-screenshots", name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
