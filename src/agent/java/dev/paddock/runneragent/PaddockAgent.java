package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The {@code paddock-agent} command line: {@code run}, {@code register}, {@code --version}. Exit codes: 0, 2 (usage or configuration), 3 (token refused). */
@Command(name = "paddock-agent", mixinStandardHelpOptions = true, versionProvider = PaddockAgent.Version.class,
        description = "The Paddock runner agent: runs the jobs Paddock hands this runner.",
        subcommands = {PaddockAgent.Run.class, PaddockAgent.Register.class})
public final class PaddockAgent {

    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new PaddockAgent());
        System.exit(commandLine.execute(args));
    }

    static String version() {
        String version = PaddockAgent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"paddock-agent " + version()};
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run this runner's jobs until stopped (SIGTERM drains, a second one stops).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "Config file (default $PADDOCK_HOME/runner.json, else $HOME/.paddock/runner.json).")
        Path config;
        @Option(names = "--server", paramLabel = "URL", description = "Paddock's URL (else PADDOCK_SERVER_URL, else the config's server_url).")
        String server;
        @Option(names = "--token", paramLabel = "rn_…", description = "The runner's token (else PADDOCK_RUNNER_TOKEN, else the config's token).")
        String token;
        @Option(names = "--concurrency", paramLabel = "N", description = "Jobs at once (default: the config's concurrency, else 1).")
        Integer concurrency;
        @Option(names = "--work-dir", paramLabel = "DIR", description = "Where jobs run (default $PADDOCK_HOME/work).")
        Path workDir;
        @Option(names = "--once", description = "Claim one job, run it, report it and exit.")
        boolean once;
        @Option(names = "--heartbeat-interval", paramLabel = "DURATION", description = "Default 10s (and at least three a lease while a job runs).")
        String heartbeatInterval;
        @Option(names = "--log-flush", paramLabel = "DURATION", description = "Longest wait before a job's log lines are sent, with one job running (default 1s; longer with more, to stay within the service's rate limit).")
        String logFlush;

        @Override
        public Integer call() {
            AgentSettings settings;
            try {
                settings = AgentSettings.resolve(new AgentSettings.Flags(config, server, token, concurrency, workDir, once,
                        heartbeatInterval, logFlush), System.getenv());
            } catch (AgentSettings.Invalid e) {
                AgentLog.error(e.getMessage());
                return EXIT_USAGE;
            }
            return new Agent(settings, version(), System.getenv()).run();
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register this machine as a runner with an API key or a person's JWT, and write its config.")
    static final class Register implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "URL")
        String server;
        @Option(names = "--api-key", paramLabel = "pk_…")
        String apiKey;
        @Option(names = "--jwt", paramLabel = "JWT")
        String jwt;
        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;
        @Option(names = "--labels", paramLabel = "a,b", split = ",")
        List<String> labels;
        @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1")
        int concurrency;
        @Option(names = "--ephemeral", description = "A runner for exactly one job.")
        boolean ephemeral;
        @Option(names = "--config", paramLabel = "FILE", description = "Where to write the config (default $PADDOCK_HOME/runner.json).")
        Path config;

        @Override
        public Integer call() {
            if ((apiKey == null) == (jwt == null)) {
                AgentLog.error("register: give exactly one of --api-key and --jwt");
                return EXIT_USAGE;
            }
            if (concurrency < 1 || concurrency > 1000) {
                AgentLog.error("concurrency: " + concurrency + " is not between 1 and 1000");
                return EXIT_USAGE;
            }
            Path file = config != null ? config : AgentSettings.defaultConfig(System.getenv());
            try {
                var serverUri = AgentSettings.serverUri(server);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("labels", labels == null ? List.of() : labels.stream().map(String::trim).filter(l -> !l.isEmpty()).toList());
                body.put("version", version());
                body.put("os", Agent.os());
                body.put("arch", Agent.arch());
                body.put("max_concurrency", concurrency);
                if (ephemeral) {
                    body.put("ephemeral", true);
                }
                JsonNode answer = PaddockClient.register(serverUri, apiKey != null ? apiKey : jwt, body, version());
                JsonNode runner = answer.path("runner");
                ObjectNode written = PaddockClient.JSON.createObjectNode();
                String base = serverUri.toString();
                written.put("server_url", base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
                written.put("runner_id", runner.path("id").asText());
                written.put("token", answer.path("token").asText(runner.path("token").asText()));
                written.put("name", runner.path("name").asText(name));
                written.set("labels", runner.path("labels"));
                written.put("concurrency", concurrency);
                if (ephemeral) {
                    written.put("ephemeral", true);
                }
                ConfigFile.write(file, written);
                AgentLog.info("registered runner " + runner.path("id").asText() + " (" + name + "); config written to " + file
                        + "; start it with: paddock-agent run" + (config != null ? " --config " + file : ""));
                return 0;
            } catch (AgentSettings.Invalid e) {
                AgentLog.error(e.getMessage());
                return EXIT_USAGE;
            } catch (PaddockClient.TokenRefused e) {
                AgentLog.error("the service refused the " + (apiKey != null ? "API key" : "JWT") + " (401)");
                return Agent.EXIT_TOKEN_REFUSED;
            } catch (PaddockClient.Refused e) {
                // 403: the credential may not register; otherwise a setting the message names (e.g. labels[0])
                AgentLog.error("registration refused: " + e.getMessage());
                return e.status == 403 ? Agent.EXIT_TOKEN_REFUSED : EXIT_USAGE;
            } catch (PaddockClient.Retry e) {
                AgentLog.error("server: the service at " + server + " could not be reached: " + e.getMessage());
                return EXIT_USAGE;
            } catch (IOException e) {
                AgentLog.error("config file " + file + " not written: " + e.getMessage());
                return EXIT_USAGE;
            }
        }
    }

}
