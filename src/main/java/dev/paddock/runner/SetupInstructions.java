package dev.paddock.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.PaddockConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What it takes to install a runner: the setup-info document and the install script. */
@ApplicationScoped
public class SetupInstructions {

    @Inject
    PaddockConfig config;

    @Inject
    ObjectMapper json;

    public record Info(String serverUrl, UUID runnerId, String name, List<String> labels, String installCommand,
                       Map<String, Object> config) {
    }

    public Info info(Runner runner, UriInfo uriInfo) {
        String server = serverUrl(uriInfo);
        String command = "curl -fsSL \"" + server + "/api/runners/" + runner.id
                + "/setup?token=$PADDOCK_RUNNER_TOKEN\" | sh";
        return new Info(server, runner.id, runner.name, runner.labels, command, runnerConfig(runner, server, null));
    }

    /**
     * A POSIX sh script. The config is written under umask 077 and chmod 600 so the token is never
     * readable by others, even for an instant; the here-document is quoted so nothing in it expands.
     */
    public String script(Runner runner, String token, UriInfo uriInfo) {
        String configJson;
        try {
            configJson = json.writeValueAsString(runnerConfig(runner, serverUrl(uriInfo), token));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("runner config is not serializable", e);
        }
        return """
                #!/bin/sh
                # Paddock runner install script. It writes this runner's configuration, token included,
                # readable by its owner only (mode 0600).
                set -eu
                umask 077
                PADDOCK_CONFIG_DIR="${PADDOCK_CONFIG_DIR:-${HOME:-/root}/.paddock}"
                PADDOCK_CONFIG_FILE="$PADDOCK_CONFIG_DIR/runner.json"
                mkdir -p "$PADDOCK_CONFIG_DIR"
                cat > "$PADDOCK_CONFIG_FILE" <<'PADDOCK_CONFIG_EOF'
                %s
                PADDOCK_CONFIG_EOF
                chmod 600 "$PADDOCK_CONFIG_FILE"
                echo "Paddock runner %s configured: $PADDOCK_CONFIG_FILE"
                """.formatted(configJson, runner.id);
    }

    private Map<String, Object> runnerConfig(Runner runner, String server, String token) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("server_url", server);
        values.put("runner_id", runner.id.toString());
        if (token != null) {
            values.put("token", token);
        }
        values.put("name", runner.name);
        values.put("labels", runner.labels);
        values.put("max_concurrency", runner.maxConcurrency);
        return values;
    }

    private String serverUrl(UriInfo uriInfo) {
        String base = config.serverUrl().orElseGet(() -> uriInfo.getBaseUri().toString());
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
