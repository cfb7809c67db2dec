package dev.paddock.support;

import dev.paddock.devdb.DevDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration for the packaged service under {@code @QuarkusIntegrationTest}: it runs with the
 * prod profile, so it needs what production needs (database, JWT issuer and key, secrets key).
 */
public class PackagedAppResource implements QuarkusTestResourceLifecycleManager {

    public static final String SECRETS_KEY = "q83vEjRWeJq8MgLY7X7Y6r2Q0xk3S6L7cN9tZ4m1a2U=";

    @Override
    public Map<String, String> start() {
        return settings();
    }

    /** The settings every replica of the packaged service gets in tests. */
    public static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        String explicit = System.getenv("PADDOCK_TEST_JDBC_URL");
        if (explicit != null && !explicit.isBlank()) {
            settings.put("quarkus.datasource.jdbc.url", explicit);
            settings.put("quarkus.datasource.username", System.getenv().getOrDefault("PADDOCK_TEST_DB_USER", "postgres"));
            settings.put("quarkus.datasource.password", System.getenv().getOrDefault("PADDOCK_TEST_DB_PASSWORD", "postgres"));
        } else {
            // the database the @QuarkusTest run would choose: local PostgreSQL, else an embedded one
            settings.putAll(DevDatabase.choose("test", Optional.empty(), Optional.empty(), true).settings());
        }
        settings.put("mp.jwt.verify.issuer", Tokens.ISSUER);
        settings.put("mp.jwt.verify.publickey.location", Path.of("target/test-classes/publicKey.pem").toAbsolutePath().toString());
        settings.put("paddock.secrets.key", SECRETS_KEY);
        settings.put("paddock.jobs.sweep-interval", "200ms");
        settings.put("paddock.queue.gauges-interval", "200ms");
        settings.put("paddock.webhooks.allow-private-networks", "true");
        settings.put("paddock.webhooks.retry-schedule", "200ms,200ms,200ms");
        settings.put("paddock.webhooks.disable-after", "3s");
        settings.put("paddock.webhooks.timeout", "2s");
        settings.put("paddock.runners.ephemeral-idle", "3s");
        // where @TestHTTPResource(management = true) looks: quarkus.management.test-port's default
        settings.put("quarkus.management.port", "9001");
        return settings;
    }

    @Override
    public void stop() {
    }
}
