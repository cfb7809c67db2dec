package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A claimed job as the agent runs it: what to run ({@code payload.script} by {@code /bin/sh -c},
 * or the argv {@code payload.command}), with which extra environment ({@code payload.env}), and
 * whether to check out its repository. A payload that says none of it properly is {@link #invalid}:
 * the error, naming the field, the job fails with.
 */
record JobSpec(String id, int attempt, String leaseId, Duration lease, long timeoutSeconds, String type,
               String repository, String repositoryUrl, String branch, String commitSha, boolean checkout,
               List<String> secretNames, List<String> argv, Map<String, String> env, String invalid) {

    static final String NOTHING_TO_RUN = "nothing to run";

    static JobSpec from(JsonNode job) {
        JsonNode payload = job.path("payload");
        List<String> argv = null;
        Map<String, String> env = new LinkedHashMap<>();
        String invalid = null;
        JsonNode script = payload.path("script");
        JsonNode command = payload.path("command");
        if (!script.isMissingNode() && !script.isNull()) {
            if (!script.isTextual()) {
                invalid = "payload.script must be a string";
            } else if (!command.isMissingNode() && !command.isNull()) {
                invalid = "payload.script and payload.command are both set: give one of them";
            } else {
                argv = List.of("/bin/sh", "-c", script.asText());
            }
        } else if (!command.isMissingNode() && !command.isNull()) {
            argv = strings(command);
            if (argv == null) {
                invalid = "payload.command must be a non-empty array of strings";
            }
        } else {
            invalid = NOTHING_TO_RUN;
        }
        JsonNode envNode = payload.path("env");
        if (invalid == null && !envNode.isMissingNode() && !envNode.isNull()) {
            if (!envNode.isObject()) {
                invalid = "payload.env must be an object of strings";
            } else {
                for (var entry : envNode.properties()) {
                    String name = entry.getKey();
                    if (!entry.getValue().isTextual()) {
                        invalid = "payload.env." + name + " must be a string";
                        break;
                    }
                    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                        invalid = "payload.env has a variable name that is empty or holds '='";
                        break;
                    }
                    env.put(name, entry.getValue().asText());
                }
            }
        }
        List<String> secretNames = new ArrayList<>();
        job.path("secret_names").forEach(name -> secretNames.add(name.asText()));
        return new JobSpec(job.path("id").asText(), job.path("attempt").asInt(1), job.path("lease_id").asText(null),
                lease(job), job.path("timeout_seconds").asLong(3600), text(job, "type"), text(job, "repository"),
                text(job, "repository_url"), text(job, "branch"), text(job, "commit_sha"),
                !payload.path("checkout").isBoolean() || payload.path("checkout").asBoolean(),
                List.copyOf(secretNames), argv, Map.copyOf(env), invalid);
    }

    boolean clones() {
        return checkout && repositoryUrl != null && !repositoryUrl.isBlank();
    }

    /** The lease's length on the service's clock: expiry minus the claim; 120 s when the answer does not tell. */
    private static Duration lease(JsonNode job) {
        try {
            Instant started = Instant.parse(job.path("started_at").asText());
            Instant expires = Instant.parse(job.path("lease_expires_at").asText());
            Duration lease = Duration.between(started, expires);
            return lease.isNegative() || lease.isZero() ? Duration.ofSeconds(120) : lease;
        } catch (DateTimeParseException e) {
            return Duration.ofSeconds(120);
        }
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return null;
            }
            values.add(item.asText());
        }
        return List.copyOf(values);
    }

    private static String text(JsonNode job, String field) {
        JsonNode value = job.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
