package dev.paddock.db;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start runs Flyway only when the database lacks part of the build's schema: the build's list
 * of migrations is the directory's, its checksums are Flyway's own, and a history that differs in
 * any way (a migration missing, changed or failed) is not taken as current.
 */
@QuarkusTest
class SchemaAtStartTest {

    private static final BuildMigrations BUILD = new BuildMigrations(SchemaAtStartTest.class.getClassLoader());

    @Inject
    SchemaAtStart schema;

    @Inject
    Transactions transactions;

    /** A change rolled back once the check has seen it: the shared test database keeps its history. */
    private static final class RolledBack extends RuntimeException {
        RolledBack() {
            super(null, null, false, false);
        }
    }

    @Test
    void theIndexListsEveryMigrationOfTheDirectoryInVersionOrder() throws IOException {
        List<String> directory;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources", BuildMigrations.LOCATION))) {
            directory = files.map(file -> file.getFileName().toString())
                    .sorted((a, b) -> compareVersions(SchemaAtStart.version(a), SchemaAtStart.version(b))).toList();
        }
        List<String> index = Files.readAllLines(Path.of("src/main/resources", BuildMigrations.INDEX)).stream()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();
        assertThat(index).as("db/migrations.txt against db/migration").containsExactlyElementsOf(directory);
    }

    @Test
    void aNativeExecutableHoldsTheIndexAndTheScripts() throws IOException {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            settings.load(in);
        }
        assertThat(settings.getProperty("quarkus.native.resources.includes").split(","))
                .contains(BuildMigrations.INDEX, BuildMigrations.LOCATION + "/*.sql");
    }

    @Test
    void theChecksumsAreTheOnesFlywayRecordedWhenItMigratedTheDatabase() {
        Map<String, Integer> recorded = transactions.run(connection -> {
            Map<String, Integer> versions = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(SchemaAtStart.HISTORY);
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString("version"), rows.getInt("checksum"));
                }
            }
            return versions;
        });
        assertThat(SchemaAtStart.expected(BUILD)).isNotEmpty().isEqualTo(recorded);
        assertThat(schema.current(BUILD)).as("the migrated test database").isTrue();
    }

    @Test
    void aHistoryThatLacksChangesOrFailedAMigrationIsNotCurrent() {
        for (String change : List.of(
                "DELETE FROM flyway_schema_history WHERE version = '1.15.0'",
                "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1.3.0'",
                "UPDATE flyway_schema_history SET success = false WHERE version = '1.15.0'",
                "ALTER TABLE flyway_schema_history RENAME TO flyway_schema_history_gone")) {
            try {
                transactions.inTransaction(() -> {
                    transactions.run(connection -> {
                        try (PreparedStatement statement = connection.prepareStatement(change)) {
                            return statement.execute();
                        }
                    });
                    assertThat(schema.current(BUILD)).as(change).isFalse();
                    throw new RolledBack();
                });
            } catch (RolledBack expected) {
                // the history is as it was
            }
        }
        assertThat(schema.current(BUILD)).isTrue();
    }

    @Test
    void flywaysChecksumDropsAByteOrderMarkAndTheLineEnds() {
        assertThat(SchemaAtStart.checksum("\uFEFFSELECT 1;\r\nSELECT 2;\n"))
                .isEqualTo(SchemaAtStart.checksum("SELECT 1;\nSELECT 2;"))
                .isNotEqualTo(SchemaAtStart.checksum("SELECT 1;\nSELECT 3;"));
    }

    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int difference = Integer.compare(i < left.length ? Integer.parseInt(left[i]) : 0,
                    i < right.length ? Integer.parseInt(right[i]) : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }
}
