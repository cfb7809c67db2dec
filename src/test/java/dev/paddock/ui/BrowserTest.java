package dev.paddock.ui;

import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URL;

/** A test class that drives the dashboard in one Chromium, shared by its tests. */
abstract class BrowserTest {

    @TestHTTPResource("/ui/")
    URL ui;

    static Browser browser;

    /** For what arrives through the page's polling or streams: within 10 s. */
    static final com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions SOON =
            new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(10_000);

    @BeforeAll
    static void launch() {
        browser = new Browser();
    }

    @AfterAll
    static void quit() {
        browser.close();
    }
}
