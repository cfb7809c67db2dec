package dev.paddock.runneragent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a job runs in: the agent's own without its credential, then what describes the
 * job ({@code CI}, {@code PADDOCK_JOB_*}, the repository), then the payload's {@code env}, then the
 * job's secrets (which win over everything). The runner's token never reaches a job: neither
 * {@code PADDOCK_RUNNER_TOKEN} nor any variable holding a runner token ({@code rn_…}) or the
 * agent's own token is passed on.
 */
final class JobEnvironment {

    private JobEnvironment() {
    }

    static Map<String, String> of(Map<String, String> agentEnvironment, String agentToken, JobSpec job,
                                  Map<String, String> secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        agentEnvironment.forEach((name, value) -> {
            if (!isCredential(name, value, agentToken)) {
                env.put(name, value);
            }
        });
        env.put("CI", "true");
        env.put("PADDOCK_JOB_ID", job.id());
        env.put("PADDOCK_JOB_ATTEMPT", Integer.toString(job.attempt()));
        env.put("PADDOCK_JOB_TYPE", orEmpty(job.type()));
        env.put("PADDOCK_REPOSITORY", orEmpty(job.repository()));
        env.put("PADDOCK_REPOSITORY_URL", orEmpty(job.repositoryUrl()));
        env.put("PADDOCK_BRANCH", orEmpty(job.branch()));
        env.put("PADDOCK_COMMIT_SHA", orEmpty(job.commitSha()));
        env.putAll(job.env());
        env.putAll(secrets);
        return env;
    }

    private static boolean isCredential(String name, String value, String agentToken) {
        return name.equals("PADDOCK_RUNNER_TOKEN") || value.startsWith("rn_")
                || (agentToken != null && !agentToken.isEmpty() && value.contains(agentToken));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
