package dev.paddock.it;

import dev.paddock.support.PackagedAppResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The accessibility walk against the packaged service (JAR, or native with -Dnative). */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class AccessibilityIT extends dev.paddock.ui.AccessibilityTest {
}
