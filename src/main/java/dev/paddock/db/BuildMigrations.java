package dev.paddock.db;

import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * This build's migration scripts, as the index {@code db/migrations.txt} lists them: what the start
 * compares Flyway's history with, and what Flyway migrates from. Flyway finds its scripts by
 * listing a directory of the class path, which a native executable cannot do (its resources are
 * not a directory), so it is handed them by name.
 */
final class BuildMigrations implements ResourceProvider {

    /** The build's migrations, one file name a line (SchemaAtStartTest holds it to db/migration). */
    static final String INDEX = "db/migrations.txt";
    static final String LOCATION = "db/migration";

    private final ClassLoader classLoader;
    private final List<String> scripts;

    BuildMigrations(ClassLoader classLoader) {
        this.classLoader = classLoader;
        this.scripts = text(classLoader, INDEX).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /** The scripts' file names, in the index's (version) order. */
    List<String> scripts() {
        return scripts;
    }

    /** A script's text. */
    String script(String name) {
        return text(classLoader, LOCATION + "/" + name);
    }

    @Override
    public LoadableResource getResource(String name) {
        return scripts.contains(name) ? resource(name) : null;
    }

    /** The scripts whose name has the prefix and one of the suffixes: how Flyway asks for the migrations of a kind. */
    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return scripts.stream()
                .filter(name -> name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith))
                .map(this::resource)
                .toList();
    }

    /**
     * Made only when Flyway runs: a Location loads Flyway and its plugins, which a start that only
     * compares the history does not need.
     */
    private LoadableResource resource(String name) {
        return new ClassPathResource(new Location("classpath:" + LOCATION), LOCATION + "/" + name, classLoader,
                StandardCharsets.UTF_8);
    }

    private static String text(ClassLoader classLoader, String name) {
        try (InputStream in = classLoader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the build lacks " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
