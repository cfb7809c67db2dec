package dev.paddock.db;

import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway asks a resource provider for the scripts of a kind (a prefix and suffixes) and for a
 * script's metadata file by name: the build's provider answers from the index alone, with the
 * scripts' own text, and has nothing else.
 */
class BuildMigrationsTest {

    private final BuildMigrations migrations = new BuildMigrations(getClass().getClassLoader());

    @Test
    void theVersionedScriptsAreTheIndexsWithTheirText() throws IOException {
        assertThat(migrations.scripts()).isNotEmpty().allMatch(name -> name.startsWith("V") && name.endsWith(".sql"));
        var versioned = migrations.getResources("V", new String[] {".sql"});
        assertThat(versioned).extracting(LoadableResource::getFilename).containsExactlyElementsOf(migrations.scripts());
        LoadableResource first = versioned.iterator().next();
        try (Reader text = first.read()) {
            char[] buffer = new char[64];
            int read = text.read(buffer);
            assertThat(migrations.script(first.getFilename())).startsWith(new String(buffer, 0, read));
        }
    }

    @Test
    void otherKindsAndMetadataFilesAreNotThere() {
        assertThat(migrations.getResources("R", new String[] {".sql"})).isEmpty();
        assertThat(migrations.getResources("V", new String[] {".java"})).isEmpty();
        assertThat(migrations.getResource(migrations.scripts().get(0) + ".conf")).isNull();
        assertThat(migrations.getResource(migrations.scripts().get(0))).isNotNull();
    }
}
