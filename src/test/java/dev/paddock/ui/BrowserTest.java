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

    @BeforeAll
    static void launch() {
        browser = new Browser();
    }

    @AfterAll
    static void quit() {
        browser.close();
    }
}
