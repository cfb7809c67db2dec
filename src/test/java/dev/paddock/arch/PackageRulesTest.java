package dev.paddock.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules of the source tree that the compiler does not check. */
class PackageRulesTest {

    private static final Path MAIN = Path.of("src/main/java/dev/paddock");
    /** The reference agent: a program of its own, built into its own JAR. */
    private static final Path AGENT = Path.of("src/agent/java/dev/paddock");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.paddock\\.([a-z]+)\\.");
    /** SQL that changes a job's state: an UPDATE of jobs touching a column the dispatch core owns. */
    private static final Pattern JOB_STATE_WRITE = Pattern.compile(
            "UPDATE\\s+jobs\\b[^;\"]*?\\bSET\\b[^;\"]*?\\b(status|lease_id|lease_expires_at|attempt|held_by|duration_ms|completed_at)\\s*=",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    @Test
    void featurePackagesDoNotImportEachOtherInACycle() {
        Map<String, Set<String>> uses = new TreeMap<>();
        sources().forEach((file, text) -> {
            String from = packageOf(file);
            Matcher matcher = REFERENCE.matcher(text);
            while (matcher.find()) {
                String to = matcher.group(1);
                if (!to.equals(from) && Files.isDirectory(MAIN.resolve(to))) {
                    uses.computeIfAbsent(from, key -> new TreeSet<>()).add(to);
                }
            }
        });
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            findCycle(start, start, uses, new ArrayList<>(List.of(start)), new HashSet<>(), cycles);
        }
        assertThat(cycles).as("package dependencies: " + uses).isEmpty();
    }

    @Test
    void onlyTheDispatchCoreWritesAJobsState() {
        List<String> writers = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (!packageOf(file).equals("dispatch") && JOB_STATE_WRITE.matcher(text).find()) {
                writers.add(MAIN.relativize(file).toString());
            }
        });
        assertThat(writers).isEmpty();
        assertThat(sources().entrySet().stream().filter(e -> packageOf(e.getKey()).equals("dispatch"))
                .anyMatch(e -> JOB_STATE_WRITE.matcher(e.getValue()).find()))
                .as("the rule still recognises the dispatch core's own statements").isTrue();
    }

    @Test
    void theAgentAndTheServiceShareNoCode() {
        Pattern service = Pattern.compile("dev\\.paddock\\.(?!runneragent\\b)[a-z]+\\.");
        List<String> agentUsesService = new ArrayList<>();
        sources(AGENT).forEach((file, text) -> {
            if (service.matcher(text).find() || !AGENT.relativize(file).startsWith("runneragent")) {
                agentUsesService.add(AGENT.relativize(file).toString());
            }
        });
        assertThat(agentUsesService).as("the agent's JAR carries only its own package").isEmpty();
        assertThat(sources(AGENT)).as("the rule still finds the agent's sources").isNotEmpty();
        List<String> serviceUsesAgent = sources().entrySet().stream()
                .filter(entry -> entry.getValue().contains("dev.paddock.runneragent"))
                .map(entry -> MAIN.relativize(entry.getKey()).toString()).toList();
        assertThat(serviceUsesAgent).isEmpty();
    }

    @Test
    void everyPackageSaysWhatItOwns() {
        try (Stream<Path> dirs = Files.list(MAIN)) {
            List<String> missing = dirs.filter(Files::isDirectory)
                    .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                    .map(dir -> dir.getFileName().toString()).toList();
            assertThat(missing).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void findCycle(String start, String at, Map<String, Set<String>> uses, List<String> path,
                                  Set<String> seen, List<String> cycles) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (seen.add(next)) {
                path.add(next);
                findCycle(start, next, uses, path, seen, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    private static String packageOf(Path file) {
        Path relative = MAIN.relativize(file);
        return relative.getNameCount() > 1 ? relative.getName(0).toString() : "";
    }

    private static Map<Path, String> sources() {
        return sources(MAIN);
    }

    private static Map<Path, String> sources(Path root) {
        Map<Path, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                try {
                    sources.put(file, Files.readString(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }
}
