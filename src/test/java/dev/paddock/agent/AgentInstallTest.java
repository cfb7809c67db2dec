package dev.paddock.agent;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The reference agent as the service ships it, and the runner install script that installs it. */
@QuarkusTest
class AgentInstallTest {

    @Test
    void theJarAndItsSha256AreServedWithoutCredentials() throws Exception {
        Response jar = given().get("/agent/paddock-agent.jar").then().statusCode(200)
                .contentType("application/java-archive").extract().response();
        byte[] bytes = jar.asByteArray();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String sha256 = given().get("/agent/paddock-agent.jar.sha256").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/plain")).extract().asString();
        assertThat(sha256).isEqualTo(digest + "  paddock-agent.jar\n");

        List<String> entries = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
            assertThat(in.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.paddock.runneragent.PaddockAgent");
            JarEntry entry;
            while ((entry = in.getNextJarEntry()) != null) {
                entries.add(entry.getName());
            }
        }
        assertThat(entries).contains("picocli/CommandLine.class", "com/fasterxml/jackson/databind/ObjectMapper.class",
                "dev/paddock/runneragent/PaddockAgent.class");
        assertThat(entries).filteredOn(name -> name.startsWith("dev/paddock/"))
                .as("nothing of the service").allMatch(name -> name.equals("dev/paddock/") || name.startsWith("dev/paddock/runneragent/"));
    }

    @Test
    void theInstallScriptInstallsTheCheckedJarAPrivateConfigAndALauncher() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("installed", List.of("linux", "gpu"), 2);
        // a home whose path a shell must quote: the launcher holds it as written
        Path home = Files.createTempDirectory("paddock home's $HOME `x` \\ }{ ");
        Run install = sh(script(runner), Map.of("PADDOCK_HOME", home.toString(), "JAVA_HOME", System.getProperty("java.home")));
        assertThat(install.exit).as(install.output).isZero();
        assertThat(install.output).contains("bin/paddock-agent run").doesNotContain(runner.token());

        byte[] served = given().get("/agent/paddock-agent.jar").then().statusCode(200).extract().asByteArray();
        assertThat(Files.readAllBytes(home.resolve("paddock-agent.jar"))).isEqualTo(served);
        Path config = home.resolve("runner.json");
        assertThat(Files.getPosixFilePermissions(config)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        var json = new io.restassured.path.json.JsonPath(Files.readString(config));
        assertThat(json.getString("runner_id")).isEqualTo(runner.id());
        assertThat(json.getString("token")).isEqualTo(runner.token());
        assertThat(json.getString("server_url")).startsWith("http://localhost:");
        assertThat(json.getList("labels", String.class)).containsExactly("linux", "gpu");
        assertThat(json.getInt("concurrency")).as("the agent runs as many jobs as the runner may hold").isEqualTo(2);
        Path launcher = home.resolve("bin/paddock-agent");
        assertThat(Files.isExecutable(launcher)).isTrue();

        Run version = run(List.of(launcher.toString(), "--version"), Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output).startsWith("paddock-agent ");
    }

    @Test
    void aJarWhoseSha256DiffersFromTheScriptsIsNotInstalled() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("tampered", List.of(), 1);
        String digest = given().get("/agent/paddock-agent.jar.sha256").then().extract().asString().substring(0, 64);
        String script = script(runner);
        assertThat(script).contains(digest);
        Path home = Files.createTempDirectory("paddock-home");
        Run install = sh(script.replace(digest, "0".repeat(64)),
                Map.of("PADDOCK_HOME", home.toString(), "JAVA_HOME", System.getProperty("java.home")));
        assertThat(install.exit).isNotZero();
        assertThat(install.output).contains("SHA-256").contains("not installed");
        assertThat(home.resolve("paddock-agent.jar")).doesNotExist();
        assertThat(home.resolve("bin/paddock-agent")).doesNotExist();
        assertThat(home.resolve("runner.json")).doesNotExist();
    }

    @Test
    void aMachineWithoutJava21GetsOneClearLine() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.createRunner("old-java", List.of(), 1);
        Path bin = Files.createTempDirectory("old-java");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Path home = Files.createTempDirectory("paddock-home");
        Run install = sh(script(runner), Map.of("PADDOCK_HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin"));
        assertThat(install.exit).isNotZero();
        assertThat(install.output.strip()).doesNotContain("\n").contains("Java 21");
        assertThat(home.resolve("runner.json")).doesNotExist();
    }

    private static String script(Api.RunnerRef runner) {
        return given().queryParam("token", runner.token()).get("/api/runners/" + runner.id() + "/setup")
                .then().statusCode(200).contentType("text/x-shellscript").extract().asString();
    }

    record Run(int exit, String output) {
    }

    /** The script through {@code sh -s}, as {@code curl … | sh -s} runs it, in a clean environment. */
    private static Run sh(String script, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-s").redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(script.getBytes());
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static Run run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
