package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where {@code paddock-agent run} takes its settings from, and what it says when one is wrong. */
class AgentSettingsTest {

    static final String TOKEN = "rn_" + "A".repeat(43);

    @TempDir
    Path home;

    private static AgentSettings.Flags flags(Path config) {
        return new AgentSettings.Flags(config, null, null, null, null, false, null, null);
    }

    private Path config(String json) throws Exception {
        Path file = home.resolve("runner.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void theConfigFileGivesServerTokenAndConcurrencyWithDefaultsForTheRest() throws Exception {
        config("{\"server_url\":\"http://localhost:8080\",\"runner_id\":\"r1\",\"token\":\"" + TOKEN + "\",\"labels\":[\"linux\"]}");
        AgentSettings settings = AgentSettings.resolve(flags(null), Map.of("PADDOCK_HOME", home.toString()));
        assertThat(settings.server().toString()).isEqualTo("http://localhost:8080/");
        assertThat(settings.token()).isEqualTo(TOKEN);
        assertThat(settings.runnerId()).isEqualTo("r1");
        assertThat(settings.concurrency()).isEqualTo(1);
        assertThat(settings.workDir()).isEqualTo(home.resolve("work").toAbsolutePath());
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.logFlush()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.once()).isFalse();
    }

    @Test
    void flagsOverTheEnvironmentOverTheFile() throws Exception {
        Path file = config("{\"server_url\":\"http://file:1\",\"token\":\"rn_file\",\"concurrency\":3}");
        Map<String, String> environment = Map.of("PADDOCK_SERVER_URL", "http://env:2", "PADDOCK_RUNNER_TOKEN", "rn_env");
        AgentSettings fromEnvironment = AgentSettings.resolve(flags(file), environment);
        assertThat(fromEnvironment.server().getHost()).isEqualTo("env");
        assertThat(fromEnvironment.token()).isEqualTo("rn_env");
        assertThat(fromEnvironment.concurrency()).isEqualTo(3);
        AgentSettings fromFlags = AgentSettings.resolve(new AgentSettings.Flags(file, "https://flag:3", "rn_flag", 7,
                home.resolve("w"), true, "2s", "250ms"), environment);
        assertThat(fromFlags.server().toString()).isEqualTo("https://flag:3/");
        assertThat(fromFlags.token()).isEqualTo("rn_flag");
        assertThat(fromFlags.concurrency()).isEqualTo(7);
        assertThat(fromFlags.once()).isTrue();
        assertThat(fromFlags.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromFlags.logFlush()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aMissingDefaultFileIsFineWhenServerAndTokenAreGivenOtherwise() throws Exception {
        AgentSettings settings = AgentSettings.resolve(flags(null), Map.of("PADDOCK_HOME", home.toString(),
                "PADDOCK_SERVER_URL", "http://localhost:1", "PADDOCK_RUNNER_TOKEN", TOKEN));
        assertThat(settings.token()).isEqualTo(TOKEN);
    }

    @Test
    void aConfigFileThatIsMissingUnreadableOrNotJsonIsNamed() throws Exception {
        Path missing = home.resolve("absent.json");
        assertThatThrownBy(() -> AgentSettings.resolve(flags(missing), Map.of()))
                .isInstanceOf(AgentSettings.Invalid.class).hasMessageContaining(missing.toString()).hasMessageContaining("not found");
        assertThatThrownBy(() -> AgentSettings.resolve(flags(null), Map.of("PADDOCK_HOME", home.toString())))
                .hasMessageContaining(home.resolve("runner.json").toString());
        Path notJson = config("{server_url: nope");
        assertThatThrownBy(() -> AgentSettings.resolve(flags(notJson), Map.of()))
                .hasMessageContaining(notJson.toString()).hasMessageContaining("not JSON");
        Path array = config("[1, 2]");
        assertThatThrownBy(() -> AgentSettings.resolve(flags(array), Map.of())).hasMessageContaining("not a JSON object");
        if (!"root".equals(System.getProperty("user.name"))) { // root reads any file
            Path unreadable = config("{}");
            Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
            assertThatThrownBy(() -> AgentSettings.resolve(flags(unreadable), Map.of())).hasMessageContaining("not readable");
        }
        assertThatThrownBy(() -> AgentSettings.resolve(flags(home), Map.of()))
                .as("a directory").hasMessageContaining(home.toString());
    }

    @Test
    void aWrongSettingIsNamed() throws Exception {
        Path file = config("{\"server_url\":\"http://localhost:8080\",\"token\":\"" + TOKEN + "\"}");
        assertThatThrownBy(() -> AgentSettings.resolve(new AgentSettings.Flags(file, null, "pk_key", null, null, false, null, null), Map.of()))
                .hasMessageStartingWith("token:");
        assertThatThrownBy(() -> AgentSettings.resolve(new AgentSettings.Flags(file, "ftp://x", null, null, null, false, null, null), Map.of()))
                .hasMessageStartingWith("server:");
        assertThatThrownBy(() -> AgentSettings.resolve(new AgentSettings.Flags(file, null, null, 0, null, false, null, null), Map.of()))
                .hasMessageStartingWith("concurrency:");
        assertThatThrownBy(() -> AgentSettings.resolve(new AgentSettings.Flags(file, null, null, null, null, false, "often", null), Map.of()))
                .hasMessageStartingWith("heartbeat-interval:");
        assertThatThrownBy(() -> AgentSettings.resolve(new AgentSettings.Flags(file, null, null, null, null, false, null, "0s"), Map.of()))
                .hasMessageStartingWith("log-flush:");
        Path noToken = config("{\"server_url\":\"http://localhost:8080\"}");
        assertThatThrownBy(() -> AgentSettings.resolve(flags(noToken), Map.of())).hasMessageStartingWith("token:");
    }

    @Test
    void theConfigIsWrittenReadableByItsOwnerOnly() throws Exception {
        Path file = home.resolve("sub/runner.json");
        var config = PaddockClient.JSON.createObjectNode().put("token", TOKEN);
        ConfigFile.write(file, config);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(ConfigFile.read(file).path("token").asText()).isEqualTo(TOKEN);
    }

    @Test
    void durationsAreWrittenLikeTenSeconds() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("15")).isEqualTo(Duration.ofSeconds(15));
        assertThatThrownBy(() -> Durations.parse("-1s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("0ms")).isInstanceOf(IllegalArgumentException.class);
    }
}
