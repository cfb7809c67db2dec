package dev.paddock.agent;

import dev.paddock.runner.Runner;
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

    @Inject
    AgentArtifact agent;

    public record Info(String serverUrl, UUID runnerId, String name, List<String> labels, String installCommand,
                       Map<String, Object> config) {
    }

    public Info info(Runner runner, UriInfo uriInfo) {
        String server = serverUrl(uriInfo);
        String command = "curl -fsSL \"" + server + "/api/runners/" + runner.id
                + "/setup?token=$PADDOCK_RUNNER_TOKEN\" | sh -s -- --start";
        return new Info(server, runner.id, runner.name, runner.labels, command, runnerConfig(runner, server, null));
    }

    /**
     * A POSIX sh script that installs the runner's agent into {@code $PADDOCK_HOME} (default
     * {@code $HOME/.paddock}): the agent's JAR from this server, refused unless its SHA-256 is the
     * one written here; the config, token included, under umask 077 and chmod 600 so it is never
     * readable by others, even for an instant; and the launcher {@code bin/paddock-agent}. With
     * {@code --start} it then starts the agent. Here-documents are quoted so nothing in them expands.
     */
    public String script(Runner runner, String token, UriInfo uriInfo) {
        String server = serverUrl(uriInfo);
        String configJson;
        try {
            configJson = json.writeValueAsString(runnerConfig(runner, server, token));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("runner config is not serializable", e);
        }
        return INSTALL_SCRIPT
                .replace("@FIND_JAVA@", FIND_JAVA)
                .replace("@SERVER_URL@", shellQuoted(server))
                .replace("@AGENT_SHA256@", agent.sha256())
                .replace("@RUNNER_ID@", runner.id.toString())
                .replace("@AGENT_JAVA_OPTS@", AGENT_JAVA_OPTS)
                .replace("@CONFIG_JSON@", configJson);
    }

    /**
     * The agent's JVM: a small heap that starts small and is given back (a JVM sizes its first heap
     * from the machine's memory, and an idle agent touched 100 MB of it; under a million log lines
     * the heap grew to its maximum, and the RSS with it), the serial collector, the C1 compiler
     * only, smaller stacks and code cache. Measured idle and under a million log lines by
     * bench/agent-overhead.sh (bench/RESULTS.md). PADDOCK_AGENT_JAVA_OPTS replaces them.
     */
    static final String AGENT_JAVA_OPTS = "-XX:+UseSerialGC -Xms8m -Xmx48m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 "
            + "-XX:TieredStopAtLevel=1 -Xss512k -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m -XX:-UsePerfData";

    /** A value inside single quotes, as sh reads it back unchanged. */
    static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Defines paddock_java: prints the path of a Java 21 or newer from JAVA_HOME, else PATH. Shared by the script and the launcher. */
    private static final String FIND_JAVA = """
            paddock_java() {
              for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null || true)"; do
                if [ -z "$candidate" ] || [ ! -x "$candidate" ]; then continue; fi
                version=$("$candidate" -version 2>&1 | sed -n 's/.* version "\\([^"]*\\)".*/\\1/p' | head -n 1)
                major=${version%%.*}
                if [ "$major" = 1 ]; then major=$(echo "$version" | cut -d. -f2); fi
                major=${major%%-*}
                case "$major" in ''|*[!0-9]*) continue ;; esac
                if [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
              done
              return 1
            }
            NO_JAVA="paddock-agent needs Java 21 or newer and found none on JAVA_HOME or PATH: install one (e.g. apt-get install openjdk-21-jre-headless) or set JAVA_HOME"
            """;

    private static final String INSTALL_SCRIPT = """
            #!/bin/sh
            # Paddock runner install script for runner @RUNNER_ID@. It installs the runner's agent in
            # $PADDOCK_HOME (default $HOME/.paddock): paddock-agent.jar from this server, checked against the
            # SHA-256 below; runner.json, the runner's configuration with its token, readable by its owner
            # only (mode 0600); and the launcher bin/paddock-agent. With --start it then starts the agent:
            #   curl -fsSL '<this URL>' | sh -s -- --start
            set -eu
            caller_umask=$(umask)
            umask 077
            PADDOCK_SERVER_URL=@SERVER_URL@
            PADDOCK_AGENT_SHA256='@AGENT_SHA256@'
            PADDOCK_HOME="${PADDOCK_HOME:-${HOME:-/root}/.paddock}"
            start=no
            for argument in "$@"; do
              case "$argument" in
                --start) start=yes ;;
                *) echo "paddock: unknown option $argument (the only one is --start)" >&2; exit 2 ;;
              esac
            done
            @FIND_JAVA@
            if ! paddock_java >/dev/null; then echo "paddock: $NO_JAVA" >&2; exit 1; fi

            mkdir -p "$PADDOCK_HOME/bin"
            PADDOCK_HOME=$(cd "$PADDOCK_HOME" && pwd)
            download="$PADDOCK_HOME/.paddock-agent.jar.download"
            if command -v curl >/dev/null 2>&1; then
              curl -fsSL "$PADDOCK_SERVER_URL/agent/paddock-agent.jar" -o "$download" || fetched=no
            elif command -v wget >/dev/null 2>&1; then
              wget -q -O "$download" "$PADDOCK_SERVER_URL/agent/paddock-agent.jar" || fetched=no
            else
              echo "paddock: neither curl nor wget is installed; one is needed to download the agent" >&2; exit 1
            fi
            if [ "${fetched:-yes}" = no ]; then
              rm -f "$download"; echo "paddock: the agent could not be downloaded from $PADDOCK_SERVER_URL/agent/paddock-agent.jar" >&2; exit 1
            fi
            # the file on standard input: a path with a backslash would have sha256sum escape its line
            if command -v sha256sum >/dev/null 2>&1; then actual=$(sha256sum < "$download" | cut -d' ' -f1)
            elif command -v shasum >/dev/null 2>&1; then actual=$(shasum -a 256 < "$download" | cut -d' ' -f1)
            elif command -v openssl >/dev/null 2>&1; then actual=$(openssl dgst -sha256 < "$download" | sed 's/.*= *//')
            else rm -f "$download"; echo "paddock: no sha256sum, shasum or openssl to check the download with; the agent is not installed" >&2; exit 1
            fi
            if [ "$actual" != "$PADDOCK_AGENT_SHA256" ]; then
              rm -f "$download"
              echo "paddock: the downloaded agent's SHA-256 is $actual, not $PADDOCK_AGENT_SHA256 as this script expects; the agent is not installed" >&2
              exit 1
            fi
            mv -f "$download" "$PADDOCK_HOME/paddock-agent.jar"

            rm -f "$PADDOCK_HOME/runner.json.new"
            cat > "$PADDOCK_HOME/runner.json.new" <<'PADDOCK_CONFIG_EOF'
            @CONFIG_JSON@
            PADDOCK_CONFIG_EOF
            chmod 600 "$PADDOCK_HOME/runner.json.new"
            mv -f "$PADDOCK_HOME/runner.json.new" "$PADDOCK_HOME/runner.json"

            launcher="$PADDOCK_HOME/bin/paddock-agent"
            {
              echo '#!/bin/sh'
              echo '# paddock-agent launcher, written by the Paddock runner install script: runs the agent with a'
              echo '# Java 21+ from JAVA_HOME or PATH, through exec, so that signals reach the agent itself.'
              printf 'PADDOCK_HOME=${PADDOCK_HOME:-%s}\\n' "'$(printf '%s' "$PADDOCK_HOME" | sed "s/'/'\\"'\\"'/g")'"
              echo 'export PADDOCK_HOME'
              cat <<'PADDOCK_LAUNCHER_EOF'
            @FIND_JAVA@
            if ! java=$(paddock_java); then echo "$NO_JAVA" >&2; exit 2; fi
            exec "$java" ${PADDOCK_AGENT_JAVA_OPTS:-@AGENT_JAVA_OPTS@} -jar "$PADDOCK_HOME/paddock-agent.jar" "$@"
            PADDOCK_LAUNCHER_EOF
            } > "$launcher.new"
            chmod 700 "$launcher.new"
            mv -f "$launcher.new" "$launcher"

            echo "Paddock runner @RUNNER_ID@ installed in $PADDOCK_HOME"
            echo "Start its agent with: $launcher run"
            # the agent's jobs get the caller's umask, not this script's
            if [ "$start" = yes ]; then umask "$caller_umask"; exec "$launcher" run; fi
            """;

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
        // the agent's slots: it runs as many jobs at once as the runner may hold (AGENT.md's --concurrency)
        values.put("concurrency", runner.maxConcurrency);
        return values;
    }

    private String serverUrl(UriInfo uriInfo) {
        String base = config.serverUrl().orElseGet(() -> uriInfo.getBaseUri().toString());
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
