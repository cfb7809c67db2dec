package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream whose read fails once its answer has begun (the database gone mid-stream) ends, and
 * the client resumes after its Last-Event-ID: one warning in the log, not an error about a
 * request context (the fault run found one for every such stream and every retry).
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class StreamReadFailureIT {

    @Test
    void anEventStreamWhoseReadFailsEndsWithAWarning() throws Exception {
        Api api = Api.newTenant();
        Map<String, String> settings = PackagedAppResource.settings();
        try (Replica replica = Replica.start(Map.of());
             Connection database = DriverManager.getConnection(settings.get("quarkus.datasource.jdbc.url"),
                     settings.get("quarkus.datasource.username"), settings.get("quarkus.datasource.password"));
             Statement sql = database.createStatement()) {
            HttpURLConnection stream = (HttpURLConnection) URI.create(replica.url() + "/api/events/stream").toURL().openConnection();
            stream.setRequestProperty("Authorization", "Bearer " + api.jwt);
            stream.setRequestProperty("Last-Event-ID", "0");
            stream.setReadTimeout(20_000);
            assertThat(stream.getResponseCode()).isEqualTo(200);
            InputStream body = stream.getInputStream();
            CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
                try {
                    while (body.read() >= 0) {
                        // the comment that opens the stream, then nothing until it ends
                    }
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            sql.execute("ALTER TABLE events RENAME TO events_away");
            try {
                sql.execute("NOTIFY paddock_events, 'e:" + api.tenant + "'"); // the stream reads on its tenant's signal
                assertThat(ended.get(15, TimeUnit.SECONDS)).as("the stream ended").isTrue();
            } finally {
                sql.execute("ALTER TABLE events_away RENAME TO events");
            }
            // the replica writes its log line a moment after the stream closed
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(Files.readAllLines(replica.log))
                    .anyMatch(line -> line.contains("An event stream ended: the database could not be read")));
            List<String> log = Files.readAllLines(replica.log);
            assertThat(log).noneMatch(line -> line.contains("ERROR") && line.contains("/api/events/stream"));
        }
    }
}
