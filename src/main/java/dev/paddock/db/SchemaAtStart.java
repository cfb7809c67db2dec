package dev.paddock.db;

import dev.paddock.common.PaddockConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.CRC32;

/**
 * Brings the database to this build's schema before the service listens, with Flyway only when
 * the database lacks part of it. Quarkus's own migrate-at-start made a Flyway and ran it at every
 * start: a quarter of the native executable's start and 200–240 ms of the JVM's on a database that
 * was already migrated (bench/RESULTS.md), where one query of Flyway's history tells. When every
 * migration of the build is recorded there as applied, with the checksum Flyway gives its script,
 * nothing is done; otherwise (a fresh database, a newer build, a failed or changed migration)
 * Flyway runs, with its lock, validation and errors. The Flyway is made here, and only then: the
 * Flyway extension's beans made one at every start whatever its settings said, 420 ms of loading
 * and configuring on the start's main thread (bench/RESULTS.md), so the extension is disabled
 * ({@code quarkus.flyway.enabled=false}) and what it did for a native executable is done here:
 * the scripts are named by {@link BuildMigrations} and included as resources, and the reflection
 * Flyway's plugins need is registered ({@link FlywayReflection}).
 * <p>
 * The work runs on a thread of its own from the first of the start's observers to the last: a
 * pool's first connection loads the JDBC driver and logs in (SCRAM) before anything is compiled,
 * the largest step of the start event, and the other observers (the framework's and the service's)
 * take as long again on the other core. The server opens after the last observer, so no request
 * meets a schema being migrated; the loops the observers set going start once it is in place
 * ({@link #whenCurrent}, and the sweeps skip their runs until then: {@link Pending}), and a
 * migration that fails still fails the start.
 */
@ApplicationScoped
public class SchemaAtStart {

    private static final Logger LOG = Logger.getLogger(SchemaAtStart.class);

    static final String HISTORY_EXISTS = "SELECT to_regclass('flyway_schema_history') IS NOT NULL";
    static final String HISTORY = "SELECT version, checksum, success FROM flyway_schema_history WHERE version IS NOT NULL";

    @Inject
    Transactions transactions;

    @Inject
    DataSource dataSource;

    @Inject
    PaddockConfig config;

    /** Done once the database has this build's schema; failed when it could not be brought to it. */
    private final CompletableFuture<Void> brought = new CompletableFuture<>();

    /** First of the start's observers: begins bringing the schema up to date beside the others. */
    void begin(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent event) {
        if (!config.schema().migrateAtStart()) {
            LOG.info("paddock.schema.migrate-at-start is false: the database is taken to have this build's schema");
            brought.complete(null);
            return;
        }
        Thread.ofPlatform().name("paddock-schema").start(() -> {
            try {
                migrate();
                brought.complete(null);
            } catch (Throwable failure) {
                brought.completeExceptionally(failure);
            }
        });
    }

    /** Last of the start's observers: the HTTP server opens after it, on the build's schema, or the start fails. */
    void awaitBeforeServing(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) StartupEvent event) {
        try {
            brought.join();
        } catch (CompletionException failed) {
            throw new IllegalStateException("Paddock cannot start: the database schema could not be brought up to date",
                    failed.getCause());
        }
    }

    /**
     * Runs {@code start} once the database has this build's schema (at once when it has), never
     * when the start failed to bring it there: how the start's observers set going their loops
     * that read or write tables.
     */
    public void whenCurrent(Runnable start) {
        brought.thenRun(start);
    }

    /** Whether the database has this build's schema (false while the start brings it there). */
    public boolean isCurrent() {
        return brought.isDone() && !brought.isCompletedExceptionally();
    }

    /**
     * Skips a scheduled run while the start brings the schema up to date: every sweep declares
     * {@code skipExecutionIf = SchemaAtStart.Pending.class} (PackageRulesTest).
     */
    @Singleton
    public static class Pending implements Scheduled.SkipPredicate {

        @Inject
        SchemaAtStart schema;

        @Override
        public boolean test(ScheduledExecution execution) {
            return !schema.isCurrent();
        }
    }

    private void migrate() {
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        BuildMigrations migrations = new BuildMigrations(classLoader);
        if (current(migrations)) {
            LOG.debug("The database has every migration of this build: Flyway not run");
            return;
        }
        Flyway.configure(classLoader)
                .dataSource(dataSource)
                .locations("classpath:" + BuildMigrations.LOCATION)
                .resourceProvider(migrations)
                .javaMigrationClassProvider(List::of)
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    /** Whether Flyway's history records exactly this build's migrations, each applied with its script's checksum. */
    boolean current(BuildMigrations migrations) {
        Map<String, Integer> applied = transactions.run(connection -> {
            try (PreparedStatement exists = connection.prepareStatement(HISTORY_EXISTS);
                 ResultSet row = exists.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return null;
                }
            }
            Map<String, Integer> versions = new HashMap<>();
            try (PreparedStatement history = connection.prepareStatement(HISTORY);
                 ResultSet rows = history.executeQuery()) {
                while (rows.next()) {
                    if (!rows.getBoolean("success")) {
                        return null;
                    }
                    versions.put(rows.getString("version"), rows.getObject("checksum", Integer.class));
                }
            }
            return versions;
        });
        return applied != null && applied.equals(expected(migrations));
    }

    /** This build's migrations: version → checksum, as Flyway computes them. */
    static Map<String, Integer> expected(BuildMigrations migrations) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String script : migrations.scripts()) {
            expected.put(version(script), checksum(migrations.script(script)));
        }
        return expected;
    }

    /** A migration's version, from its script's name: V&lt;version&gt;__&lt;description&gt;.sql. */
    static String version(String script) {
        return script.substring(1, script.indexOf("__"));
    }

    /**
     * Flyway's checksum of a script: the CRC-32 of its lines in UTF-8, without their line ends, a
     * byte-order mark dropped from the first.
     */
    static int checksum(String script) {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = new BufferedReader(new StringReader(script))) {
            boolean first = true;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (first && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                first = false;
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }
}
