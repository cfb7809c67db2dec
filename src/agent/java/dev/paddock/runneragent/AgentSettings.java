package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code paddock-agent run} runs with: the command line's flags over the environment
 * ({@code PADDOCK_SERVER_URL}, {@code PADDOCK_RUNNER_TOKEN}) over the config file (default
 * {@code $PADDOCK_HOME/runner.json}, else {@code $HOME/.paddock/runner.json}). Every mistake is an
 * {@link Invalid} naming the setting or the file.
 */
record AgentSettings(URI server, String runnerId, String token, int concurrency, Path workDir, boolean once,
                     Duration heartbeatInterval, Duration logFlush) {

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** The flags as given (null when not given). */
    record Flags(Path config, String server, String token, Integer concurrency, Path workDir, boolean once,
                 String heartbeatInterval, String logFlush) {
    }

    /** {@code $PADDOCK_HOME}, else {@code $HOME/.paddock}. */
    static Path home(Map<String, String> environment) {
        String home = environment.get("PADDOCK_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        String userHome = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(userHome, ".paddock");
    }

    static Path defaultConfig(Map<String, String> environment) {
        return home(environment).resolve("runner.json");
    }

    static AgentSettings resolve(Flags flags, Map<String, String> environment) throws Invalid {
        Path configFile = flags.config() != null ? flags.config() : defaultConfig(environment);
        String serverOverride = first(flags.server(), environment.get("PADDOCK_SERVER_URL"));
        String tokenOverride = first(flags.token(), environment.get("PADDOCK_RUNNER_TOKEN"));
        ObjectNode config;
        try {
            config = ConfigFile.read(configFile);
        } catch (ConfigFile.Invalid e) {
            boolean missingDefault = flags.config() == null && e.getMessage().endsWith("not found");
            if (!missingDefault || serverOverride == null || tokenOverride == null) {
                throw new Invalid(e.getMessage() + (missingDefault
                        ? " (write it with the runner's install script or paddock-agent register, or give --server and --token)" : ""));
            }
            config = PaddockClient.JSON.createObjectNode();
        }
        String server = first(serverOverride, text(config, "server_url"));
        if (server == null) {
            throw new Invalid("server: none given (--server, PADDOCK_SERVER_URL, or server_url in " + configFile + ")");
        }
        String token = first(tokenOverride, text(config, "token"));
        if (token == null) {
            throw new Invalid("token: none given (--token, PADDOCK_RUNNER_TOKEN, or token in " + configFile + ")");
        }
        if (!token.startsWith("rn_")) {
            throw new Invalid("token: not a runner token (they start with rn_)");
        }
        int concurrency;
        if (flags.concurrency() != null) {
            concurrency = flags.concurrency();
        } else if (config.path("concurrency").canConvertToInt()) {
            concurrency = config.path("concurrency").asInt();
        } else if (config.has("concurrency")) {
            throw new Invalid("concurrency in " + configFile + " is not a whole number");
        } else {
            concurrency = 1;
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw new Invalid("concurrency: " + concurrency + " is not between 1 and 1000");
        }
        Path workDir = flags.workDir() != null ? flags.workDir()
                : text(config, "work_dir") != null ? Path.of(text(config, "work_dir")) : home(environment).resolve("work");
        return new AgentSettings(serverUri(server), text(config, "runner_id"), token, concurrency,
                workDir.toAbsolutePath(), flags.once(),
                duration("heartbeat-interval", flags.heartbeatInterval(), "10s"),
                duration("log-flush", flags.logFlush(), "1s"));
    }

    static URI serverUri(String server) throws Invalid {
        try {
            URI uri = new URI(server.endsWith("/") ? server : server + "/");
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new Invalid("server: '" + server + "' is not an http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new Invalid("server: '" + server + "' is not a URL");
        }
    }

    private static Duration duration(String setting, String value, String fallback) throws Invalid {
        try {
            return Durations.parse(value == null ? fallback : value);
        } catch (IllegalArgumentException e) {
            throw new Invalid(setting + ": " + e.getMessage());
        }
    }

    private static String first(String preferred, String otherwise) {
        return preferred != null && !preferred.isBlank() ? preferred.trim() : otherwise;
    }

    private static String text(JsonNode config, String field) {
        JsonNode value = config.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText().trim() : null;
    }
}
