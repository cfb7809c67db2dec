package dev.paddock.devdb;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives the dev and test profiles the database {@link DevDatabase} chooses, above
 * application.properties and below the environment and system properties. Prod gets nothing
 * from here: its database is always configured.
 */
public class DevDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(DevDatabaseConfigSourceFactory.class);
    /** Where the run command's embedded database keeps its files (README, "Run it"). */
    public static final Path DEV_DATA = Path.of(".paddock", "dev-postgres");
    private static final String ANNOUNCED = "devdb.paddock.announced";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        String profile = profiles.contains("test") ? "test" : profiles.contains("dev") ? "dev" : null;
        // Not while a dev JAR is built (UNSET): a value seen then would be recorded into it as a default.
        // Tests do choose while building, in their own JVM: Dev Services decide then whether to start.
        if (profile == null || "dev".equals(profile) && ExecutionMode.current() == ExecutionMode.UNSET) {
            return List.of();
        }
        // Dev Services exist only under quarkus:dev and in tests, not in a JAR run with the dev profile
        LaunchMode mode = LaunchMode.current();
        boolean devServices = mode == LaunchMode.DEVELOPMENT || mode == LaunchMode.TEST;
        ConfigValue configured = context.getValue("quarkus.datasource.jdbc.url");
        DevDatabase.Choice choice = DevDatabase.choose(profile, Optional.ofNullable(configured == null ? null : configured.getValue()),
                "dev".equals(profile) ? Optional.of(DEV_DATA.toAbsolutePath()) : Optional.empty(), devServices);
        if (System.getProperty(ANNOUNCED) == null) {
            System.setProperty(ANNOUNCED, "true");
            LOG.infof("Database for the %s profile: %s", profile, describe(choice, profile));
        }
        // profile-qualified: a %test. value of application.properties would otherwise win over ours
        Map<String, String> settings = new HashMap<>();
        choice.settings().forEach((key, value) -> settings.put("%" + profile + "." + key, value));
        return List.of(new PropertiesConfigSource(settings, "paddock-dev-database", 275));
    }

    private static String describe(DevDatabase.Choice choice, String profile) {
        return switch (choice.kind()) {
            case "configured" -> "the configured " + choice.where();
            case "local" -> "the local PostgreSQL, " + choice.where();
            case "dev-services" -> "Dev Services start one in a container (" + choice.where() + ")";
            default -> "an embedded PostgreSQL, " + choice.where()
                    + ("dev".equals(profile) ? " (files in " + DEV_DATA + ")" : " (throwaway)");
        };
    }
}
