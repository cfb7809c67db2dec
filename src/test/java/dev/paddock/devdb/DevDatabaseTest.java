package dev.paddock.devdb;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of choice, where it can be shown without starting or stopping servers. */
class DevDatabaseTest {

    @Test
    void aConfiguredUrlWinsAndNothingIsStarted() {
        DevDatabase.Choice choice = DevDatabase.choose("dev", Optional.of("jdbc:postgresql://db.example:5432/paddock"),
                Optional.empty(), true);

        assertThat(choice.kind()).isEqualTo("configured");
        assertThat(choice.settings()).isEmpty();
    }

    @Test
    void aBlankUrlIsNotAConfiguration() {
        DevDatabase.Choice choice = DevDatabase.choose("test", Optional.of(" "), Optional.empty(), true);

        assertThat(choice.kind()).isIn("local", "dev-services", "embedded");
        assertThat(choice.kind().equals("dev-services") || choice.settings().get("quarkus.datasource.jdbc.url").endsWith("/test"))
                .isTrue();
    }

    @Test
    void aPortWhereNothingListensIsNotTaken() {
        assertThat(DevDatabase.localPostgresAccepts("localhost", 1, "postgres", "postgres")).isFalse();
    }
}
