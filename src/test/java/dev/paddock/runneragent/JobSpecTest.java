package dev.paddock.runneragent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a claimed job runs, and the errors, naming the field, of a payload that says it wrongly. */
class JobSpecTest {

    private static JobSpec job(String payload) throws Exception {
        JsonNode job = PaddockClient.JSON.readTree("""
                {"id": "j1", "attempt": 2, "lease_id": "l1", "type": "build", "timeout_seconds": 60,
                 "started_at": "2026-01-01T00:00:00Z", "lease_expires_at": "2026-01-01T00:02:00Z",
                 "repository_url": "https://example.com/r.git", "branch": "main", "secret_names": ["TOKEN_A"],
                 "payload": %s}""".formatted(payload));
        return JobSpec.from(job);
    }

    @Test
    void aScriptRunsThroughShAndACommandAsItsArgv() throws Exception {
        assertThat(job("{\"script\": \"echo hi\"}").argv()).containsExactly("/bin/sh", "-c", "echo hi");
        JobSpec command = job("{\"command\": [\"make\", \"test\"], \"env\": {\"A\": \"1\"}}");
        assertThat(command.argv()).containsExactly("make", "test");
        assertThat(command.env()).isEqualTo(Map.of("A", "1"));
        assertThat(command.invalid()).isNull();
        assertThat(command.attempt()).isEqualTo(2);
        assertThat(command.leaseId()).isEqualTo("l1");
        assertThat(command.lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(command.secretNames()).isEqualTo(List.of("TOKEN_A"));
        assertThat(command.clones()).isTrue();
        assertThat(job("{\"script\": \"true\", \"checkout\": false}").clones()).isFalse();
    }

    @Test
    void aPayloadThatSaysNothingOrSaysItWronglyNamesTheField() throws Exception {
        assertThat(job("{}").invalid()).isEqualTo("nothing to run");
        assertThat(job("null").invalid()).isEqualTo("nothing to run");
        assertThat(job("{\"script\": 42}").invalid()).contains("payload.script");
        assertThat(job("{\"command\": \"make test\"}").invalid()).contains("payload.command");
        assertThat(job("{\"command\": [\"make\", 1]}").invalid()).contains("payload.command");
        assertThat(job("{\"command\": []}").invalid()).contains("payload.command");
        assertThat(job("{\"script\": \"x\", \"command\": [\"y\"]}").invalid()).contains("payload.script").contains("payload.command");
        assertThat(job("{\"script\": \"x\", \"env\": [\"A=1\"]}").invalid()).contains("payload.env");
        assertThat(job("{\"script\": \"x\", \"env\": {\"A\": 1}}").invalid()).contains("payload.env.A");
    }

    @Test
    void theJobsEnvironmentCarriesNoRunnerTokenAndSecretsWin() throws Exception {
        String token = "rn_" + "B".repeat(43);
        Map<String, String> agent = Map.of("PATH", "/usr/bin", "PADDOCK_RUNNER_TOKEN", token, "COPY", token,
                "ANOTHER_RUNNER", "rn_other", "EMBEDDED", "x" + token, "A", "agent");
        JobSpec spec = job("{\"script\": \"x\", \"env\": {\"A\": \"payload\", \"TOKEN_A\": \"payload\"}}");
        Map<String, String> env = JobEnvironment.of(agent, token, spec, Map.of("TOKEN_A", "secret"));
        assertThat(env).doesNotContainKeys("PADDOCK_RUNNER_TOKEN", "COPY", "ANOTHER_RUNNER", "EMBEDDED");
        assertThat(env.values()).noneMatch(value -> value.contains(token));
        assertThat(env).containsEntry("PATH", "/usr/bin").containsEntry("A", "payload").containsEntry("TOKEN_A", "secret")
                .containsEntry("CI", "true").containsEntry("PADDOCK_JOB_ID", "j1").containsEntry("PADDOCK_JOB_ATTEMPT", "2")
                .containsEntry("PADDOCK_JOB_TYPE", "build").containsEntry("PADDOCK_BRANCH", "main")
                .containsEntry("PADDOCK_REPOSITORY_URL", "https://example.com/r.git").containsEntry("PADDOCK_COMMIT_SHA", "");
    }

    @Test
    void aCloneUrlIsLoggedWithoutItsCredentials() {
        assertThat(JobExecution.withoutCredentials("https://user:s3cret@git.example.com/r.git")).isEqualTo("https://git.example.com/r.git");
        assertThat(JobExecution.withoutCredentials("https://x-access-token:ghs_abc@github.com/o/r")).isEqualTo("https://github.com/o/r");
        assertThat(JobExecution.withoutCredentials("https://git.example.com/a@b.git")).isEqualTo("https://git.example.com/a@b.git");
        assertThat(JobExecution.withoutCredentials("file:///tmp/repo")).isEqualTo("file:///tmp/repo");
    }

    @Test
    void anExitStatusReadsAsItsCodeOrItsSignal() {
        assertThat(ExitStatus.error(0)).isNull();
        assertThat(ExitStatus.error(2)).isEqualTo("exit code 2");
        assertThat(ExitStatus.signal(137)).isEqualTo("SIGKILL");
        assertThat(ExitStatus.error(143)).contains("SIGTERM");
        assertThat(ExitStatus.signal(1)).isNull();
    }
}
