package dev.paddock.common;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prod profile has no defaults for what only its operator knows: a start without any of these
 * stops before it touches anything, with one line naming every one that is missing (instead of
 * trying {@code postgres/postgres@localhost} or trusting a made-up issuer). Adds no settings.
 */
public class RequiredSettings implements ConfigSourceFactory {

    /** Property → the environment variable that sets it. */
    static final Map<String, String> REQUIRED_IN_PROD = requiredInProd();

    private static Map<String, String> requiredInProd() {
        Map<String, String> required = new LinkedHashMap<>();
        required.put("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL");
        required.put("mp.jwt.verify.issuer", "MP_JWT_VERIFY_ISSUER");
        required.put("mp.jwt.verify.publickey.location", "MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        required.put("paddock.secrets.key", "PADDOCK_SECRETS_KEY");
        return required;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // at run time only: building the application, or a native image's build-time init, has no operator yet
        if (ExecutionMode.current() == ExecutionMode.RUNTIME_INIT && context.getProfiles().contains("prod")) {
            List<String> missing = REQUIRED_IN_PROD.entrySet().stream()
                    .filter(setting -> blank(context.getValue(setting.getKey())))
                    .map(Map.Entry::getValue).toList();
            if (!missing.isEmpty()) {
                throw new ConfigurationException("Paddock cannot start without " + String.join(", ", missing)
                        + " (README, \"Run it\": the packaged service).");
            }
        }
        return List.of();
    }

    private static boolean blank(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }
}
