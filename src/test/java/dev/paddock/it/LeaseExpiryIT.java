package dev.paddock.it;

import dev.paddock.support.PackagedAppResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP scenarios against the packaged service (JAR, or native with -Dnative). */
@QuarkusIntegrationTest
@io.quarkus.test.junit.TestProfile(dev.paddock.job.LeaseExpiryTest.ShortLeases.class)
@WithTestResource(PackagedAppResource.class)
class LeaseExpiryIT extends dev.paddock.job.LeaseExpiryTest {
}
