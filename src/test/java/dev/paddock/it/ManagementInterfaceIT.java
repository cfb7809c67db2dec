package dev.paddock.it;

import dev.paddock.support.PackagedAppResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Health and metrics on the packaged service's management interface only (JAR, or native with -Dnative). */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class ManagementInterfaceIT extends dev.paddock.security.ManagementInterfaceTest {
}
