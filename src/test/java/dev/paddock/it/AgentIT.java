package dev.paddock.it;

import dev.paddock.support.AgentProcess;
import dev.paddock.support.Replica;
import dev.paddock.support.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real paddock-agent against the packaged service: installed by the runner's install script,
 * started through the launcher it wrote, running real shell jobs as a separate OS process. The
 * service runs with a 4 s lease, so the agent has to heartbeat at a third of it.
 */
class AgentIT {

    static final Duration LEASE = Duration.ofSeconds(4);
    static Replica service;

    final List<AgentProcess> agents = new ArrayList<>();
    final String tenant = Tokens.newTenant();
    final String jwt = Tokens.person(tenant, Tokens.ALL_SCOPES);

    @BeforeAll
    static void startService() throws Exception {
        service = Replica.start(Map.of("paddock.jobs.lease", LEASE.toSeconds() + "s"));
    }

    @AfterAll
    static void stopService() throws Exception {
        service.close();
    }

    @AfterEach
    void stopAgents() throws Exception {
        for (AgentProcess agent : agents) {
            agent.close();
        }
    }

    // ---- what a job sees and what its log holds ------------------------------------------------

    @Test
    void runsAScriptAndReportsItsExitCodeWithStdoutAsInfoAndStderrAsWarn() throws Exception {
        Runner runner = runner("linux");
        Path home = install(runner);
        // the token in the agent's environment too, under its own name and another: neither reaches the job
        start(home, Map.of("PADDOCK_RUNNER_TOKEN", runner.token, "SOME_TOKEN", runner.token),
                "run", "--heartbeat-interval", "1s", "--log-flush", "200ms");
        String failing = enqueue(Map.of("type", "build", "labels", List.of("linux"), "secrets", Map.of("DEPLOY_KEY", "hunter2-secret"),
                "payload", Map.of("script", """
                        echo first; echo second
                        echo problem >&2
                        echo "key=$DEPLOY_KEY"
                        echo "token=${PADDOCK_RUNNER_TOKEN:-none}"
                        env | grep -c 'rn_' || true
                        echo "job=$PADDOCK_JOB_ID attempt=$PADDOCK_JOB_ATTEMPT type=$PADDOCK_JOB_TYPE ci=$CI greeting=$GREETING"
                        echo "cwd=$(pwd)"
                        exit 3""", "env", Map.of("GREETING", "hello"))));
        JsonPath job = awaitFinal(failing, 30);
        assertThat(job.getString("job.status")).isEqualTo("failure");
        assertThat(job.getString("job.error")).isEqualTo("exit code 3");
        assertThat(job.getInt("job.result.exit_code")).isEqualTo(3);
        assertThat(job.getLong("job.result.duration_ms")).isGreaterThanOrEqualTo(0);
        List<String> info = messages(failing, "info");
        assertThat(info).containsSubsequence("first", "second", "key=***", "token=none", "0",
                "job=" + failing + " attempt=1 type=build ci=true greeting=hello");
        assertThat(info).noneMatch(line -> line.contains(runner.token) || line.contains("hunter2"));
        String cwd = info.stream().filter(line -> line.startsWith("cwd=")).findFirst().orElseThrow().substring(4);
        assertThat(Path.of(cwd)).isEqualTo(home.resolve("work").resolve(failing + "-1"));
        assertThat(Files.exists(Path.of(cwd))).as("work directory removed after the job").isFalse();
        assertThat(logs(failing).getList("logs.findAll { it.level == 'warn' }.message", String.class)).containsExactly("problem");

        String succeeding = enqueue(Map.of("type", "build", "labels", List.of("linux"), "payload", Map.of("command", List.of("echo", "argv", "$HOME"))));
        job = awaitFinal(succeeding, 30);
        assertThat(job.getString("job.status")).isEqualTo("success");
        assertThat(job.getInt("job.result.exit_code")).isZero();
        assertThat(messages(succeeding, "info")).containsExactly("argv $HOME");
        assertThat(agentsOutput()).doesNotContain(runner.token);
    }

    @Test
    void sixHundredLinesArriveCompleteAndInOrder() throws Exception {
        Runner runner = runner("linux");
        start(install(runner), "run", "--heartbeat-interval", "1s");
        String id = enqueue(script("i=1; while [ $i -le 600 ]; do echo \"line $i\"; i=$((i+1)); done"));
        assertThat(awaitFinal(id, 30).getString("job.status")).isEqualTo("success");
        assertThat(messages(id, "info")).containsExactlyElementsOf(numberedLines(600));
    }

    @Test
    void aPayloadWithNothingToRunOrAWrongFieldFailsNamingItAndTheAgentGoesOn() throws Exception {
        Runner runner = runner("linux");
        start(install(runner), "run", "--heartbeat-interval", "1s");
        String nothing = enqueue(Map.of("type", "t", "labels", List.of("linux"), "payload", Map.of("note", "no script")));
        String badCommand = enqueue(Map.of("type", "t", "labels", List.of("linux"), "payload", Map.of("command", List.of("echo", 1))));
        String badEnv = enqueue(Map.of("type", "t", "labels", List.of("linux"), "payload", Map.of("script", "true", "env", Map.of("N", 1))));
        String good = enqueue(script("echo still here"));
        assertThat(awaitFinal(nothing, 30).getString("job.error")).startsWith("nothing to run");
        assertThat(awaitFinal(badCommand, 30).getString("job.error")).contains("payload.command");
        assertThat(awaitFinal(badEnv, 30).getString("job.error")).contains("payload.env");
        assertThat(awaitFinal(good, 30).getString("job.status")).isEqualTo("success");
    }

    @Test
    void checksOutTheJobsRepositoryBeforeRunningIt() throws Exception {
        Path repository = Files.createTempDirectory("paddock-repo");
        git(repository, "init", "--quiet", "--initial-branch=main");
        Files.writeString(repository.resolve("README"), "checked out\n");
        git(repository, "add", "README");
        git(repository, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "first");
        Runner runner = runner("linux");
        start(install(runner), "run", "--heartbeat-interval", "1s");
        String id = enqueue(Map.of("type", "t", "labels", List.of("linux"), "repository_url", repository.toUri().toString(),
                "branch", "main", "payload", Map.of("script", "cat README; echo \"branch=$PADDOCK_BRANCH\"")));
        assertThat(awaitFinal(id, 30).getString("job.status")).isEqualTo("success");
        assertThat(messages(id, "info")).containsExactly("checked out", "branch=main");
    }

    @Test
    void aRunnerWithoutGitFailsACheckoutNamingIt() throws Exception {
        Path bin = Files.createTempDirectory("no-git");
        for (String tool : List.of("sed", "head", "cut")) { // what the launcher uses; no git
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        Runner runner = runner("linux");
        start(install(runner), Map.of("PATH", bin.toString()), "run", "--heartbeat-interval", "1s");
        String id = enqueue(Map.of("type", "t", "labels", List.of("linux"), "repository_url", "https://git.example.com/r.git",
                "payload", Map.of("script", "echo should not run")));
        JsonPath job = awaitFinal(id, 30);
        assertThat(job.getString("job.status")).isEqualTo("failure");
        assertThat(job.getString("job.error")).contains("git is not installed");
        assertThat(messages(id, "info")).isEmpty();
    }

    @Test
    void moreSlotsThanOneClaimMayAskForStillClaim() throws Exception {
        Runner runner = runner("linux");
        person().body(Map.of("max_concurrency", 100)).patch("/api/runners/" + runner.id).then().statusCode(200);
        start(install(runner), "run", "--concurrency", "60", "--heartbeat-interval", "1s");
        String id = enqueue(script("echo claimed"));
        assertThat(awaitFinal(id, 30).getString("job.status")).isEqualTo("success");
    }

    // ---- stopping jobs -------------------------------------------------------------------------

    @Test
    void cancelStopsTheJobsWholeProcessGroup() throws Exception {
        Runner runner = runner("linux");
        start(install(runner), "run", "--heartbeat-interval", "1s");
        String marker = marker();
        // the third sleep is orphaned at once (its subshell exits): only a signal to the group reaches it;
        // the fourth leaves the group for a session of its own: only the job's mark finds it
        String id = enqueue(script("sleep " + marker + " & sleep " + marker + " & (sleep " + marker + " &) ; setsid sleep "
                + marker + " & echo started; wait"));
        awaitLine(id, "started");
        await().atMost(Duration.ofSeconds(10)).until(() -> processes(marker) >= 4);
        person().body(Map.of("reason", "test")).post("/api/jobs/" + id + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(processes(marker)).isZero());
        assertThat(job(id).getString("job.status")).isEqualTo("cancelled");
        // the agent acknowledged the stop: heartbeats no longer list the job
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runnerCall(runner.token)
                .body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200)
                .extract().<List<String>>path("cancel_job_ids")).doesNotContain(id));
    }

    @Test
    void aJobPastItsTimeoutIsStoppedAndFailed() throws Exception {
        Runner runner = runner("linux");
        start(install(runner), "run", "--heartbeat-interval", "1s");
        String marker = marker();
        String id = enqueue(Map.of("type", "t", "labels", List.of("linux"), "timeout_seconds", 2,
                "payload", Map.of("script", "sleep " + marker)));
        JsonPath job = awaitFinal(id, 30);
        assertThat(job.getString("job.status")).isIn("failure", "timeout");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(processes(marker)).isZero());
    }

    @Test
    void aRunnerThatLostItsLeaseStopsTheJobAndSendsNothingMore() throws Exception {
        Runner runner = runner("linux");
        // one slot: with a free one, the frozen agent's pending long poll would claim the requeued job itself
        AgentProcess agent = start(install(runner), "run", "--heartbeat-interval", "1s", "--log-flush", "100ms",
                "--concurrency", "1");
        String marker = marker();
        String id = enqueue(Map.of("type", "t", "labels", List.of("linux"), "max_attempts", 2,
                "payload", Map.of("script", "while true; do echo tick; sleep 0.2; done & sleep " + marker)));
        awaitLine(id, "tick");
        agent.signal("STOP"); // the agent freezes; its job, in a session of its own, goes on
        await().atMost(Duration.ofSeconds(20)).until(() -> "queued".equals(job(id).getString("job.status")));
        Runner other = runner("linux");
        JsonPath claim = new JsonPath(runnerCall(other.token).body(Map.of("limit", 1)).post("/api/runners/jobs/claim")
                .then().statusCode(200).extract().asString());
        assertThat(claim.getString("jobs[0].id")).isEqualTo(id);
        int linesAtTakeOver = logs(id).getList("logs").size();
        agent.signal("CONT");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(processes(marker)).isZero());
        Thread.sleep(1000);
        assertThat(logs(id).getList("logs")).as("nothing of the old attempt after the take-over").hasSize(linesAtTakeOver);
        assertThat(agent.process.isAlive()).as("the agent goes on").isTrue();
        JsonPath job = job(id);
        assertThat(job.getString("job.status")).isEqualTo("running");
        assertThat(job.getString("job.runner_id")).isEqualTo(other.id);
    }

    // ---- the agent's own life ------------------------------------------------------------------

    @Test
    void onceClaimsExactlyOneJobRunsItAndExits() throws Exception {
        Runner runner = runner("linux");
        String first = enqueue(script("echo one"));
        String second = enqueue(script("echo two"));
        AgentProcess agent = start(install(runner), "run", "--once", "--heartbeat-interval", "1s");
        assertThat(agent.awaitExit(30)).as(agent.output()).isZero();
        assertThat(job(first).getString("job.status")).isEqualTo("success");
        assertThat(job(second).getString("job.status")).isEqualTo("queued");
    }

    @Test
    void aFirstSigtermDrainsAndASecondStopsTheRunningJobs() throws Exception {
        Runner runner = runner("linux");
        AgentProcess drained = start(install(runner), "run", "--heartbeat-interval", "1s");
        String finishing = enqueue(script("echo begun; sleep 2; echo finished"));
        awaitLine(finishing, "begun");
        drained.signal("TERM");
        // once the service knows the runner drains (the agent says so first), it is given no job
        await().atMost(Duration.ofSeconds(10)).until(() -> "draining".equals(
                person().get("/api/runners/" + runner.id).then().extract().path("runner.status")));
        String waiting = enqueue(script("echo should not run"));
        assertThat(drained.awaitExit(30)).as(drained.output()).isZero();
        assertThat(job(finishing).getString("job.status")).isEqualTo("success");
        assertThat(messages(finishing, "info")).containsExactly("begun", "finished");
        assertThat(job(waiting).getString("job.status")).isEqualTo("queued");
        person().body(Map.of()).post("/api/jobs/" + waiting + "/cancel").then().statusCode(200);

        Runner second = runner("linux");
        AgentProcess stopped = start(install(second), "run", "--heartbeat-interval", "1s");
        String marker = marker();
        String stuck = enqueue(script("trap '' TERM; echo begun; sleep " + marker + " & sleep " + marker + "; wait"));
        awaitLine(stuck, "begun");
        stopped.signal("TERM");
        Thread.sleep(500);
        long signalled = System.nanoTime();
        stopped.signal("TERM");
        assertThat(stopped.awaitExit(20)).as(stopped.output()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(15));
        JsonPath job = job(stuck);
        assertThat(job.getString("job.status")).isEqualTo("failure");
        assertThat(job.getString("job.error")).isEqualTo("agent stopped");
        assertThat(processes(marker)).isZero();
    }

    /** More slots than the runner may hold would leave a long poll waiting for a slot the service never fills. */
    @Test
    void concurrencyAboveTheRunnersMaxConcurrencyRunsAtTheMax() throws Exception {
        Runner runner = runner("linux");
        person().body(Map.of("max_concurrency", 1)).patch("/api/runners/" + runner.id).then().statusCode(200);
        AgentProcess agent = start(install(runner), "run", "--concurrency", "3", "--heartbeat-interval", "1s");
        long started = System.nanoTime();
        String first = enqueue(script("echo a; sleep 1"));
        String second = enqueue(script("echo b; sleep 1"));
        assertThat(awaitFinal(first, 30).getString("job.status")).isEqualTo("success");
        assertThat(awaitFinal(second, 30).getString("job.status")).isEqualTo("success");
        // one after the other, the second claimed as the first ended: not after a 30 s long poll
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(agent.output()).contains("max_concurrency").contains("1 slot(s), not the 3 of --concurrency");
    }

    @Test
    void runsTwoJobsAtOnceWithConcurrencyTwo() throws Exception {
        Runner runner = runner("linux");
        start(install(runner), "run", "--concurrency", "2", "--heartbeat-interval", "1s");
        String first = enqueue(script("echo a; sleep 2"));
        String second = enqueue(script("echo b; sleep 2"));
        JsonPath a = awaitFinal(first, 30);
        JsonPath b = awaitFinal(second, 30);
        assertThat(a.getString("job.status")).isEqualTo("success");
        assertThat(b.getString("job.status")).isEqualTo("success");
        assertThat(Instant.parse(b.getString("job.started_at"))).isBefore(Instant.parse(a.getString("job.completed_at")));
        assertThat(Instant.parse(a.getString("job.started_at"))).isBefore(Instant.parse(b.getString("job.completed_at")));
    }

    @Test
    void aRegeneratedTokenStopsTheAgentWithExitCodeThree() throws Exception {
        Runner runner = runner("linux");
        AgentProcess agent = start(install(runner), "run", "--heartbeat-interval", "1s");
        await().atMost(Duration.ofSeconds(20)).until(() -> "online".equals(person().get("/api/runners/" + runner.id)
                .then().extract().path("runner.status")));
        await().atMost(Duration.ofSeconds(10)).until(() -> person().get("/api/runners/" + runner.id)
                .then().extract().path("runner.os") != null);
        JsonPath described = new JsonPath(person().get("/api/runners/" + runner.id).then().statusCode(200).extract().asString());
        assertThat(described.getString("runner.version")).isNotBlank().isNotEqualTo("unknown");
        assertThat(described.getString("runner.os")).isEqualTo("linux");
        assertThat(described.getString("runner.arch")).isIn("amd64", "arm64");
        assertThat(described.getInt("runner.system_info.cpus")).isPositive();
        assertThat(described.getLong("runner.system_info.memory_total")).isPositive();
        person().post("/api/runners/" + runner.id + "/regenerate-token").then().statusCode(200);
        assertThat(agent.awaitExit(15)).isEqualTo(3);
        assertThat(agent.output()).contains("token").doesNotContain(runner.token);
    }

    /** With --once too, mid-job: no wait for a result that cannot come. */
    @Test
    void aRegeneratedTokenStopsAOnceAgentMidJobAtOnce() throws Exception {
        Runner runner = runner("linux");
        AgentProcess agent = start(install(runner), "run", "--once", "--heartbeat-interval", "1s");
        String marker = marker();
        String id = enqueue(script("echo started; sleep " + marker));
        awaitLine(id, "started");
        person().post("/api/runners/" + runner.id + "/regenerate-token").then().statusCode(200);
        long refused = System.nanoTime();
        assertThat(agent.awaitExit(15)).isEqualTo(3);
        // the next heartbeat (1 s) hears of it; the agent then exits without waiting on its job's result
        assertThat(Duration.ofNanos(System.nanoTime() - refused)).isLessThan(Duration.ofMillis(3_500));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(processes(marker)).isZero());
        assertThat(agent.output()).contains("token").doesNotContain(runner.token);
    }

    @Test
    void keepsItsJobAndItsLinesWhileTheServiceRestarts() throws Exception {
        // a service of its own, with the default lease: a restart must not outlast a lease
        Replica shared = service;
        service = Replica.start(Map.of());
        try {
            Runner runner = runner("linux");
            start(install(runner), "run", "--heartbeat-interval", "1s", "--log-flush", "100ms");
            String id = enqueue(script("i=1; while [ $i -le 80 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done"));
            awaitLine(id, "line 3");
            int restartedPort = service.port;
            service.close();
            Thread.sleep(2000);
            service = Replica.start(Map.of(), restartedPort);
            assertThat(awaitFinal(id, 60).getString("job.status")).isEqualTo("success");
            assertThat(messages(id, "info")).containsExactlyElementsOf(numberedLines(80));
        } finally {
            service.close();
            service = shared;
        }
    }

    @Test
    void theInstallScriptWithStartInstallsAndStartsTheAgent() throws Exception {
        Runner runner = runner("linux");
        Path home = Files.createTempDirectory("paddock-home");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "curl -fsSL \"$SETUP_URL\" | sh -s -- --start")
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("install-start", ".log").toFile());
        builder.environment().put("SETUP_URL", service.url() + "/api/runners/" + runner.id + "/setup?token=" + runner.token);
        builder.environment().put("PADDOCK_HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process installed = builder.start();
        try {
            String id = enqueue(script("echo started by the install script"));
            assertThat(awaitFinal(id, 60).getString("job.status")).isEqualTo("success");
            assertThat(messages(id, "info")).containsExactly("started by the install script");
        } finally {
            installed.descendants().forEach(ProcessHandle::destroy);
            installed.destroy();
        }
    }

    @Test
    void registerWithAnApiKeyOrAJwtWritesAConfigThatRuns() throws Exception {
        Path home = Files.createTempDirectory("paddock-home");
        Path jar = home.resolve("paddock-agent.jar");
        Files.write(jar, given().baseUri(service.url()).get("/agent/paddock-agent.jar").then().statusCode(200).extract().asByteArray());
        String key = person().body(Map.of("name", "fleet", "scopes", List.of("runners:register")))
                .post("/api/api-keys").then().statusCode(201).extract().path("key");
        Path config = home.resolve("runner.json");
        Process register = java(jar, "register", "--server", service.url(), "--api-key", key, "--name", "registered",
                "--labels", "linux,big", "--concurrency", "2", "--config", config.toString());
        String output = new String(register.getInputStream().readAllBytes());
        assertThat(register.waitFor()).as(output).isZero();
        assertThat(output).doesNotContain(key).doesNotContain("rn_");
        assertThat(Files.getPosixFilePermissions(config)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        JsonPath written = new JsonPath(Files.readString(config));
        assertThat(written.getString("token")).startsWith("rn_");
        assertThat(written.getInt("concurrency")).isEqualTo(2);
        String runnerId = written.getString("runner_id");
        JsonPath registered = new JsonPath(person().get("/api/runners/" + runnerId).then().statusCode(200).extract().asString());
        assertThat(registered.getList("runner.labels", String.class)).containsExactly("linux", "big");
        assertThat(registered.getInt("runner.max_concurrency")).isEqualTo(2);

        String id = enqueue(Map.of("type", "t", "labels", List.of("big"), "payload", Map.of("script", "echo registered")));
        Process once = java(jar, "run", "--once", "--config", config.toString(), "--heartbeat-interval", "1s");
        String onceOutput = new String(once.getInputStream().readAllBytes());
        assertThat(once.waitFor()).as(onceOutput).isZero();
        assertThat(job(id).getString("job.status")).isEqualTo("success");

        Path byJwt = home.resolve("by-jwt.json");
        Process withJwt = java(jar, "register", "--server", service.url(), "--jwt", jwt, "--name", "by-person", "--config", byJwt.toString());
        String jwtOutput = new String(withJwt.getInputStream().readAllBytes());
        assertThat(withJwt.waitFor()).as(jwtOutput).isZero();
        assertThat(new JsonPath(Files.readString(byJwt)).getString("token")).startsWith("rn_");

        // AGENT.md's exit codes: 2 for a setting the service refuses (named) or a server that cannot be reached
        Process badLabel = java(jar, "register", "--server", service.url(), "--api-key", key, "--name", "bad",
                "--labels", "UPPER", "--config", home.resolve("bad.json").toString());
        String badOutput = new String(badLabel.getInputStream().readAllBytes());
        assertThat(badLabel.waitFor()).as(badOutput).isEqualTo(2);
        assertThat(badOutput).contains("labels[0]");
        Process nowhere = java(jar, "register", "--server", "http://127.0.0.1:9", "--api-key", key, "--name", "lost",
                "--config", home.resolve("lost.json").toString());
        String nowhereOutput = new String(nowhere.getInputStream().readAllBytes());
        assertThat(nowhere.waitFor()).as(nowhereOutput).isEqualTo(2);
        assertThat(nowhereOutput).contains("server");
    }

    /**
     * An agent killed while it runs a job and started again does not keep that job alive: its
     * heartbeats list the jobs it runs, the old attempt's lease runs out, and the job runs again.
     */
    @Test
    void aJobOfAnAgentKilledAndStartedAgainRunsAgainOnceItsLeaseRunsOut() throws Exception {
        Runner runner = runner("linux");
        Path home = install(runner);
        AgentProcess first = start(home, "run", "--heartbeat-interval", "1s");
        String id = enqueue(script("if [ \"$PADDOCK_JOB_ATTEMPT\" = 1 ]; then sleep 30; fi; echo attempt $PADDOCK_JOB_ATTEMPT"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(job(id).getString("job.status")));
        first.process.destroyForcibly().waitFor();
        start(home, "run", "--heartbeat-interval", "1s");
        await().atMost(Duration.ofSeconds(30)).until(() -> "success".equals(job(id).getString("job.status")));
        assertThat(job(id).getInt("job.attempt")).isEqualTo(2);
    }

    /**
     * A job cancelled while its agent was away is listed to the agent started again, which no
     * longer runs it: the agent acknowledges it, and heartbeats stop listing it.
     */
    @Test
    void aStopListedForAJobTheAgentNoLongerRunsIsAcknowledged() throws Exception {
        Runner runner = runner("linux");
        Path home = install(runner);
        AgentProcess first = start(home, "run", "--heartbeat-interval", "1s");
        String marker = marker();
        String id = enqueue(script("echo started; sleep " + marker));
        try {
            awaitLine(id, "started");
            first.process.destroyForcibly().waitFor();
            person().body(Map.of("reason", "while its agent was away")).post("/api/jobs/" + id + "/cancel").then().statusCode(200);
            assertThat(runnerCall(runner.token).body(Map.of("status", "online")).post("/api/runners/heartbeat").then()
                    .statusCode(200).extract().<List<String>>path("cancel_job_ids")).contains(id);
            start(home, "run", "--heartbeat-interval", "1s");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runnerCall(runner.token)
                    .body(Map.of("status", "online")).post("/api/runners/heartbeat").then().statusCode(200)
                    .extract().<List<String>>path("cancel_job_ids")).doesNotContain(id));
        } finally {
            ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly); // the job of the agent killed without a word
        }
    }

    /** The autoscaler's recipe: register --ephemeral, then run --once; the server retires the runner. */
    @Test
    void anEphemeralRunnerRunsOneJobAndIsGoneAfterIt() throws Exception {
        Path home = Files.createTempDirectory("paddock-ephemeral");
        Path jar = home.resolve("paddock-agent.jar");
        Files.write(jar, given().baseUri(service.url()).get("/agent/paddock-agent.jar").then().statusCode(200).extract().asByteArray());
        Path config = home.resolve("runner.json");
        Process register = java(jar, "register", "--server", service.url(), "--jwt", jwt, "--name", "pod-1",
                "--labels", "autoscaled", "--ephemeral", "--config", config.toString());
        String output = new String(register.getInputStream().readAllBytes());
        assertThat(register.waitFor()).as(output).isZero();
        String runnerId = new JsonPath(Files.readString(config)).getString("runner_id");
        person().get("/api/runners/" + runnerId).then().statusCode(200).body("runner.ephemeral", org.hamcrest.Matchers.is(true));

        String id = enqueue(Map.of("type", "t", "labels", List.of("autoscaled"), "payload", Map.of("script", "echo one job")));
        String other = enqueue(Map.of("type", "t", "labels", List.of("autoscaled"), "payload", Map.of("script", "echo another")));
        Process once = java(jar, "run", "--once", "--config", config.toString(), "--heartbeat-interval", "1s");
        String onceOutput = new String(once.getInputStream().readAllBytes());
        assertThat(once.waitFor()).as(onceOutput).isZero();
        assertThat(job(id).getString("job.status")).isEqualTo("success");
        assertThat(job(id).getString("job.runner.name")).isEqualTo("pod-1");
        assertThat(job(other).getString("job.status")).isEqualTo("queued");
        person().get("/api/runners/" + runnerId).then().statusCode(404);
    }

    /**
     * An ephemeral runner's agent runs one job even without --once, and a cancel, which ends the
     * runner with the job's attempt, stops the job and the agent as a finished job would: exit 0.
     */
    @Test
    void aCancelEndsAnEphemeralRunnersAgentWithItsJob() throws Exception {
        JsonPath created = new JsonPath(person().body(Map.of("name", "pod-" + System.nanoTime(), "labels", List.of("pods"),
                "ephemeral", true, "max_concurrency", 2)).post("/api/runners").then().statusCode(201).extract().asString());
        Runner runner = new Runner(created.getString("runner.id"), created.getString("runner.token"));
        String marker = marker();
        String id = enqueue(Map.of("type", "t", "labels", List.of("pods"), "payload", Map.of("script", "echo started; sleep " + marker)));
        String other = enqueue(Map.of("type", "t", "labels", List.of("pods"), "payload", Map.of("script", "echo another")));
        AgentProcess agent = start(install(runner), "run", "--heartbeat-interval", "1s");
        awaitLine(id, "started");
        person().body(Map.of("reason", "test")).post("/api/jobs/" + id + "/cancel").then().statusCode(200);
        assertThat(agent.awaitExit(30)).as(agent.output()).isZero();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(processes(marker)).isZero());
        assertThat(agent.output()).doesNotContain("refused");
        assertThat(job(other).getString("job.status")).as("one job only").isEqualTo("queued");
        person().get("/api/runners/" + runner.id).then().statusCode(404);
    }

    @Test
    void aRefusedTokenAtStartExitsThreeAtOnce() throws Exception {
        Runner runner = runner("linux");
        Path home = install(runner);
        person().delete("/api/runners/" + runner.id).then().statusCode(204);
        long started = System.nanoTime();
        AgentProcess agent = start(home, "run");
        assertThat(agent.awaitExit(20)).as(agent.output()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(agent.output()).contains("refused").doesNotContain(runner.token);
    }

    @Test
    void aConfigFileThatIsMissingOrNotJsonExitsTwoNamingIt() throws Exception {
        Path home = install(runner("linux"));
        Path missing = home.resolve("absent.json");
        AgentProcess withoutFile = start(home, "run", "--config", missing.toString());
        assertThat(withoutFile.awaitExit(20)).isEqualTo(2);
        assertThat(withoutFile.output()).contains(missing.toString());
        Files.writeString(home.resolve("runner.json"), "{ not json");
        AgentProcess notJson = start(home, "run");
        assertThat(notJson.awaitExit(20)).isEqualTo(2);
        assertThat(notJson.output()).contains(home.resolve("runner.json").toString()).contains("not JSON");
    }

    // ---- helpers -------------------------------------------------------------------------------

    Process java(Path jar, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PADDOCK_HOME", jar.getParent().toString());
        return builder.start();
    }

    record Runner(String id, String token) {
    }

    RequestSpecification person() {
        return given().baseUri(service.url()).auth().oauth2(jwt).contentType(ContentType.JSON);
    }

    RequestSpecification runnerCall(String token) {
        return given().baseUri(service.url()).header("X-Runner-Token", token).contentType(ContentType.JSON);
    }

    Runner runner(String... labels) {
        JsonPath created = new JsonPath(person().body(Map.of("name", "agent-" + System.nanoTime(), "labels", List.of(labels)))
                .post("/api/runners").then().statusCode(201).extract().asString());
        return new Runner(created.getString("runner.id"), created.getString("runner.token"));
    }

    Path install(Runner runner) throws Exception {
        Path home = Files.createTempDirectory("paddock-home");
        AgentProcess.install(service.url(), runner.id, runner.token, home);
        return home;
    }

    AgentProcess start(Path home, String... arguments) throws Exception {
        return start(home, Map.of(), arguments);
    }

    AgentProcess start(Path home, Map<String, String> environment, String... arguments) throws Exception {
        AgentProcess agent = AgentProcess.start(home, environment, arguments);
        agents.add(agent);
        return agent;
    }

    String enqueue(Map<String, Object> body) {
        return person().body(body).post("/api/jobs").then().statusCode(201).extract().path("job.id");
    }

    Map<String, Object> script(String script) {
        return Map.of("type", "t", "labels", List.of("linux"), "payload", Map.of("script", script));
    }

    JsonPath job(String id) {
        return new JsonPath(person().get("/api/jobs/" + id).then().statusCode(200).extract().asString());
    }

    JsonPath awaitFinal(String id, int seconds) {
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
                .failFast("agent died", () -> agents.stream().allMatch(a -> !a.process.isAlive()) && !agents.isEmpty()
                        && List.of("queued", "running").contains(job(id).getString("job.status")))
                .until(() -> !List.of("queued", "running").contains(job(id).getString("job.status")));
        return job(id);
    }

    JsonPath logs(String id) {
        return new JsonPath(person().queryParam("limit", 10000).get("/api/jobs/" + id + "/logs").then().statusCode(200)
                .extract().asString());
    }

    List<String> messages(String id, String level) {
        return logs(id).getList("logs.findAll { it.level == '" + level + "' }.message", String.class);
    }

    void awaitLine(String id, String line) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> messages(id, "info").contains(line));
    }

    String agentsOutput() {
        StringBuilder output = new StringBuilder();
        agents.forEach(agent -> output.append(agent.output()));
        return output.toString();
    }

    /** "line 1" … "line n", as the jobs of these tests print them. */
    static List<String> numberedLines(int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add("line " + i);
        }
        return lines;
    }

    /** A sleep duration no other process uses, to find a job's processes in the process table. */
    static String marker() {
        return "3" + ThreadLocalRandom.current().nextInt(100, 999) + "." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
    }

    static long processes(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).count();
    }

    static void git(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
