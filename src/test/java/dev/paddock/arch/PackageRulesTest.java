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

    /** SQL that changes a runner: only its one writer holds it. */
    private static final Pattern RUNNERS_WRITE = Pattern.compile(
            "\\b(UPDATE\\s+runners|INSERT\\s+INTO\\s+runners|DELETE\\s+FROM\\s+runners)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Path RUNNERS_WRITER = MAIN.resolve("runner/RunnerSql.java");
    /** A string constant of the source, up to the end of its declaration. */
    private static final Pattern STRING_CONSTANT = Pattern.compile(
            "static\\s+final\\s+String\\s+([A-Z][A-Z0-9_]*)\\s*=([^;]*);", Pattern.DOTALL);
    /** A column of a job's state set in SQL: in a statement, or in a fragment spliced into one. */
    private static final Pattern JOB_STATE_ASSIGNMENT = Pattern.compile(
            "\\b(status|lease_id|lease_expires_at|attempt|held_by|duration_ms|completed_at)\\s*=\\s*[^=]",
            Pattern.CASE_INSENSITIVE);

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

    /** No sweep runs while the start is still bringing the schema up to date (db/SchemaAtStart). */
    @Test
    void everyScheduledRunWaitsForTheSchema() {
        Pattern scheduled = Pattern.compile("@Scheduled\\(([^)]*)\\)");
        List<String> scheduling = new ArrayList<>();
        List<String> notWaiting = new ArrayList<>();
        sources().forEach((file, text) -> {
            Matcher matcher = scheduled.matcher(text);
            while (matcher.find()) {
                scheduling.add(MAIN.relativize(file).toString());
                if (!matcher.group(1).contains("skipExecutionIf = SchemaAtStart.Pending.class")) {
                    notWaiting.add(MAIN.relativize(file).toString());
                }
            }
        });
        assertThat(scheduling).as("the rule still finds the sweeps").hasSizeGreaterThanOrEqualTo(6);
        assertThat(notWaiting).isEmpty();
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

    /**
     * A statement composed from fragments writes a job's state as surely as one written whole: no
     * code outside the dispatch core uses a fragment of it that sets a state column.
     */
    @Test
    void noCodeOutsideTheDispatchCoreSplicesAFragmentThatWritesAJobsState() {
        Set<String> stateFragments = new TreeSet<>();
        sources().forEach((file, text) -> {
            if (packageOf(file).equals("dispatch")) {
                Matcher constant = STRING_CONSTANT.matcher(text);
                while (constant.find()) {
                    if (JOB_STATE_ASSIGNMENT.matcher(constant.group(2)).find()) {
                        stateFragments.add(constant.group(1));
                    }
                }
            }
        });
        assertThat(stateFragments).as("the rule still finds the dispatch core's fragments").contains("REPORT_PROGRESS", "APPENDED");
        List<String> splicers = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (!packageOf(file).equals("dispatch")) {
                stateFragments.stream().filter(name -> Pattern.compile("\\." + name + "\\b").matcher(text).find())
                        .forEach(name -> splicers.add(MAIN.relativize(file) + " uses " + name));
            }
        });
        assertThat(splicers).isEmpty();
    }

    @Test
    void onlyTheRunnerStatementsWriteRunners() {
        assertOnlyWriter(RUNNERS_WRITE, RUNNERS_WRITER);
    }

    /** Webhooks and their deliveries: one class holds every statement that writes them. */
    @Test
    void onlyTheWebhookStatementsWriteWebhooksAndDeliveries() {
        assertOnlyWriter(Pattern.compile("\\b(UPDATE|INSERT\\s+INTO|DELETE\\s+FROM)\\s+(webhooks|webhook_deliveries)\\b",
                Pattern.CASE_INSENSITIVE), MAIN.resolve("webhook/WebhookSql.java"));
    }

    /** No source but {@code writer} holds SQL that {@code write} recognises, and {@code writer} does. */
    private static void assertOnlyWriter(Pattern write, Path writer) {
        List<String> writers = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (!file.equals(writer) && write.matcher(text).find()) {
                writers.add(MAIN.relativize(file).toString());
            }
        });
        assertThat(writers).isEmpty();
        assertThat(write.matcher(sources().get(writer)).find()).as("the rule still recognises the writer's statements")
                .isTrue();
    }

    /** Other systems' protocols are adapters over the agent protocol and people's views. */
    @Test
    void dialectsNeverReachIntoTheDispatchCore() {
        List<String> reaching = sources().entrySet().stream()
                .filter(entry -> packageOf(entry.getKey()).equals("dialect"))
                .filter(entry -> entry.getValue().contains("dev.paddock.dispatch"))
                .map(entry -> MAIN.relativize(entry.getKey()).toString()).toList();
        assertThat(reaching).isEmpty();
        assertThat(sources().keySet().stream().filter(file -> packageOf(file).equals("dialect")).count())
                .as("the rule still finds the dialects").isGreaterThanOrEqualTo(5);
    }

    /** Statements are read top to bottom: SQL is never a template filled with {@code formatted}. */
    @Test
    void noSqlIsATemplate() {
        Pattern template = Pattern.compile("\"\"\"(.*?)\"\"\"\\s*\\.formatted\\(", Pattern.DOTALL);
        Pattern sql = Pattern.compile("\\b(SELECT|UPDATE|INSERT|DELETE|WITH)\\b");
        List<String> templates = new ArrayList<>();
        sources().forEach((file, text) -> {
            Matcher block = template.matcher(text);
            while (block.find()) {
                if (sql.matcher(block.group(1)).find()) {
                    templates.add(MAIN.relativize(file).toString());
                }
            }
        });
        assertThat(templates).isEmpty();
    }

    /**
     * A field the service leaves out of an answer when it is null is declared optional in the
     * OpenAPI document (OpenApiSchemas makes every other field of an answer required).
     */
    @Test
    void aFieldLeftOutWhenNullIsOptionalInTheDocument() {
        List<String> undeclared = new ArrayList<>();
        sources().forEach((file, text) -> text.lines()
                .filter(line -> line.contains("@JsonInclude(JsonInclude.Include.NON_NULL)") && line.startsWith(" "))
                .filter(line -> !line.contains("OpenApiSchemas.OPTIONAL"))
                .forEach(line -> undeclared.add(MAIN.relativize(file) + ": " + line.strip())));
        assertThat(undeclared).isEmpty();
    }

    /** Small classes with one job: a class that outgrows this is split by concern. */
    @Test
    void noClassIsOverFourHundredLines() {
        List<String> large = sources().entrySet().stream()
                .filter(entry -> entry.getValue().lines().count() > 400)
                .map(entry -> MAIN.relativize(entry.getKey()) + " " + entry.getValue().lines().count()).toList();
        assertThat(large).isEmpty();
    }

    /** Events are written only with their writer's statements (spliced into the changes' own). */
    @Test
    void onlyTheEventStoreWritesEvents() {
        assertOnlyWriter(Pattern.compile("\\b(UPDATE\\s+events|INSERT\\s+INTO\\s+events|DELETE\\s+FROM\\s+events)\\b",
                Pattern.CASE_INSENSITIVE), MAIN.resolve("event/EventStore.java"));
    }

    /** Every statement is plain JDBC through {@code db.Transactions}: no ORM, no other transaction API. */
    @Test
    void oneWayToRunATransaction() {
        Pattern otherWays = Pattern.compile("@Transactional|QuarkusTransaction|\\.persist\\(|\\.setAutoCommit\\(|"
                + "TransactionSynchronizationRegistry|UserTransaction|dataSource\\.getConnection\\(|"
                + "jakarta\\.persistence|org\\.hibernate\\.(?!validator)|EntityManager");
        List<String> others = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (!packageOf(file).equals("db") && otherWays.matcher(text).find()) {
                others.add(MAIN.relativize(file).toString());
            }
        });
        assertThat(others).isEmpty();
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
