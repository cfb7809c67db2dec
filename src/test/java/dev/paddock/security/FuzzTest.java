package dev.paddock.security;

import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing every operation of {@code /q/openapi} with jqwik's generators: bodies built from the
 * request schemas with each value right, wrong or hostile (NUL, control characters, huge numbers,
 * wrong types, deep nesting), malformed JSON, path ids and query parameters of every kind, with
 * the tenant's own valid credentials. Never a 5xx; every refusal is problem+json; a refused
 * request changes nothing stored. {@code -Dfuzz.requests=N} (default 400) sets the length:
 * {@code ./mvnw -B test -Dtest=FuzzTest -Dfuzz.requests=20000} is the long run, and it
 * prints its counts.
 */
@QuarkusTest
public class FuzzTest {

    private static final String[] METHODS = {"get", "post", "put", "patch", "delete"};
    /** Every choice of a run comes from this seed: -Dfuzz.seed=N replays a run that failed. */
    private static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());
    private static final Random RANDOM = new Random(SEED);

    @Inject
    AgroalDataSource database;

    // for headers, paths and query strings: past 20 KiB of headers or 16 KiB of request line the HTTP layer
    // answers 431/414 before Paddock sees them (a list's seven filters of 2,000 characters stay under)
    private final Arbitrary<String> hostileShortText = Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            Arbitraries.strings().all().ofMaxLength(20),
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(5),
            Arbitraries.of("", " ", "\u0000", "a\u0000b", "null", "true", "-1", "0", "1e309", "💥", "\u202e",
                    "../../etc/passwd", "' OR 1=1 --", "${jndi:ldap://x}", "%00", "{}", "[]", "x".repeat(2_000)));

    private final Arbitrary<String> hostileText = Arbitraries.oneOf(hostileShortText, Arbitraries.just("x".repeat(70_000)));

    private final Arbitrary<Object> anyJson = Arbitraries.lazyOf(
            () -> hostileText.map(s -> (Object) s),
            () -> Arbitraries.longs().map(l -> (Object) l),
            () -> Arbitraries.of((Object) Long.MAX_VALUE, -1L, 0L, 1e308, -0.5, Double.MIN_VALUE),
            () -> Arbitraries.of((Object) true, false),
            () -> Arbitraries.just(null),
            () -> anyJsonLeaf().list().ofMaxSize(4).map(l -> (Object) l),
            () -> Arbitraries.maps(hostileText, anyJsonLeaf()).ofMaxSize(3).map(m -> (Object) m));

    private Arbitrary<Object> anyJsonLeaf() {
        return Arbitraries.oneOf(hostileText.map(s -> (Object) s), Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.just(null));
    }

    @Test
    @SuppressWarnings("unchecked")
    void noRequestFailsTheServerOrWritesWhenRefused() throws SQLException {
        int requests = Integer.getInteger("fuzz.requests", 400);
        Map<String, Object> document = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().as(Map.class);
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
        List<Operation> operations = operations((Map<String, Object>) document.get("paths"));

        System.out.printf("fuzz: seed %d (replay: -Dfuzz.seed=%d)%n", SEED, SEED);
        JqwikSession.start(Long.toString(SEED));
        try {
            fuzz(requests, schemas, operations);
        } finally {
            JqwikSession.finish();
        }
    }

    private void fuzz(int requests, Map<String, Object> schemas, List<Operation> operations) throws SQLException {
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Fixture fixture = null;
        for (int i = 0; i < requests; i++) {
            if (i % 40 == 0) {
                fixture = new Fixture();
            }
            Operation operation = operations.get(RANDOM.nextInt(operations.size()));
            String path = fill(operation.path(), fixture);
            RequestSpecification request = given().header("Authorization", "Bearer " + fixture.api.jwt)
                    .header("X-Runner-Token", fixture.running.runner().token())
                    .header("X-Lease-Id", pick(fixture.running.lease(), randomUuid(), sample(hostileShortText)))
                    .urlEncodingEnabled(true);
            for (String query : operation.query()) {
                if (RANDOM.nextBoolean()) {
                    request = request.queryParam(query, sample(hostileShortText));
                }
            }
            String body = null;
            if (operation.body() != null) {
                body = body(operation.body(), schemas);
                request = request.contentType(pick("application/json", "application/json", "application/json",
                        "text/plain", "application/json; charset=utf-16")).body(body.getBytes(StandardCharsets.UTF_8));
            }
            String[] before = contents(fixture.api.tenant);
            Response response;
            try {
                response = request.request(operation.method().toUpperCase(), path).andReturn();
            } catch (IllegalArgumentException unsendable) {
                continue; // a URI the HTTP client itself refuses to build
            }
            statuses.merge(response.statusCode(), 1, Integer::sum);
            String what = operation.method().toUpperCase() + " " + path + " " + abbreviate(body);
            if (response.statusCode() >= 500) {
                failures.add(what + " -> " + response.statusCode() + " " + response.asString());
            } else if (response.statusCode() >= 400) {
                if (!String.valueOf(response.contentType()).startsWith("application/problem+json")) {
                    failures.add(what + " -> " + response.statusCode() + " not problem+json: " + response.contentType());
                }
                String[] after = contents(fixture.api.tenant);
                if (!java.util.Arrays.equals(before, after)) {
                    failures.add(what + " -> " + response.statusCode() + " but rows changed "
                            + java.util.Arrays.toString(before) + " -> " + java.util.Arrays.toString(after));
                }
            }
        }
        System.out.printf("fuzz: seed %d, %d requests over %d operations, answers %s, failures %d%n",
                SEED, requests, operations.size(), statuses, failures.size());
        assertThat(failures).isEmpty();
    }

    private record Operation(String method, String path, List<String> query, Map<String, Object> body) {
    }

    /** A tenant with a runner holding a running job, so valid ids exist to aim at. */
    private static final class Fixture {
        final Api api = Api.newTenant();
        final Api.RunningJob running = api.runningJob();
        final String queued = api.enqueue("t", List.of("never-matched"));
    }

    @SuppressWarnings("unchecked")
    private static List<Operation> operations(Map<String, Object> paths) {
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, item) -> {
            for (String method : METHODS) {
                Map<String, Object> operation = (Map<String, Object>) ((Map<String, Object>) item).get(method);
                if (operation == null || path.endsWith("/stream")) {
                    continue; // the log stream is a long-lived SSE answer, fuzzed by its own tests
                }
                List<String> query = new ArrayList<>();
                for (Map<String, Object> parameter : (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of())) {
                    if ("query".equals(parameter.get("in"))) {
                        query.add((String) parameter.get("name"));
                    }
                }
                Map<String, Object> body = null;
                if (operation.get("requestBody") instanceof Map<?, ?> requestBody
                        && ((Map<String, Object>) requestBody.get("content")).get("application/json") instanceof Map<?, ?> json) {
                    body = (Map<String, Object>) json.get("schema");
                }
                operations.add(new Operation(method, path, query, body));
            }
        });
        return operations;
    }

    private String fill(String template, Fixture fixture) {
        StringBuilder path = new StringBuilder();
        var matcher = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(template);
        while (matcher.find()) {
            String value = switch (matcher.group(1)) {
                case "org" -> pick(fixture.api.tenant, sample(hostileShortText));
                case "runner_id" -> pick(fixture.running.runner().id(), randomUuid(), sample(hostileShortText));
                default -> pick(fixture.running.jobId(), fixture.queued, fixture.running.runner().id(),
                        randomUuid(), sample(hostileShortText), "-1", "0");
            };
            matcher.appendReplacement(path, java.util.regex.Matcher.quoteReplacement(
                    java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        }
        return matcher.appendTail(path).toString();
    }

    /** A body for this schema: mostly its own shape with some values wrong, sometimes not JSON at all. */
    private String body(Map<String, Object> schema, Map<String, Object> schemas) {
        int shape = RANDOM.nextInt(10);
        return switch (shape) {
            case 0 -> sample(Arbitraries.of("", "{", "[]", "null", "{\"a\":1}{\"b\":2}", "{\"x\":1,\"x\":2}", "\u0000",
                    "{\"lines\":[" + "\"x\",".repeat(300) + "\"x\"]}", "[".repeat(5000), "{} trailing"));
            case 1 -> json(sample(anyJson));
            default -> json(value(schema, schemas, 0));
        };
    }

    @SuppressWarnings("unchecked")
    private Object value(Map<String, Object> schema, Map<String, Object> schemas, int depth) {
        if (schema == null || depth > 4) {
            return sample(anyJson);
        }
        if (schema.get("$ref") instanceof String ref) {
            return value((Map<String, Object>) schemas.get(ref.substring(ref.lastIndexOf('/') + 1)), schemas, depth + 1);
        }
        if (RANDOM.nextInt(6) == 0) {
            return sample(anyJson); // the wrong type, or a hostile value of the right one
        }
        if (schema.get("enum") instanceof List<?> values && !values.isEmpty()) {
            return values.get(RANDOM.nextInt(values.size()));
        }
        Object type = schema.get("type");
        String kind = type instanceof List<?> types ? String.valueOf(types.get(0)) : String.valueOf(type);
        return switch (kind) {
            case "object" -> {
                Map<String, Object> object = new LinkedHashMap<>();
                ((Map<String, Object>) schema.getOrDefault("properties", Map.of())).forEach((name, property) -> {
                    if (RANDOM.nextInt(4) == 0) {
                        return;
                    }
                    // a valid long-poll wait of up to 60 s would outlast the client's timeout
                    object.put(name, name.contains("wait")
                            ? sample(Arbitraries.integers().between(-5, 2).map(i -> (Object) i))
                            : value((Map<String, Object>) property, schemas, depth + 1));
                });
                yield object;
            }
            case "array" -> {
                List<Object> list = new ArrayList<>();
                int size = RANDOM.nextInt(4);
                for (int i = 0; i < size; i++) {
                    list.add(value((Map<String, Object>) schema.get("items"), schemas, depth + 1));
                }
                yield list;
            }
            case "integer" -> sample(Arbitraries.oneOf(Arbitraries.integers().between(-5, 200).map(i -> (Object) i),
                    Arbitraries.of((Object) Long.MAX_VALUE, Integer.MIN_VALUE, 1e20)));
            case "number" -> sample(Arbitraries.doubles().map(d -> (Object) d));
            case "boolean" -> sample(Arbitraries.of((Object) true, false));
            default -> sample(Arbitraries.oneOf(hostileText, Arbitraries.of("running", "success", "failure", "online",
                    "linux", randomUuid(), "2026-01-01T00:00:00Z")));
        };
    }

    private static String json(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the tenant has stored, table by table, as a digest of every row: a refused request must
     * change none. Left out: a runner's signs of life (any authenticated call is one, refused or
     * not: it brings an offline runner back online, and with it the free slots derived from its
     * status), an API key's last use, a stopped job's acknowledgement (a refused call on a
     * cancelled job is how its runner learns of the stop), and of events, a runner's coming back
     * from offline (that sign of life again: online, or draining when a drain was asked while it
     * was away) and an event's number (given after commit, whenever the sequencer runs).
     */
    private String[] contents(String tenant) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT (SELECT md5(coalesce(string_agg((to_jsonb(j) - 'stop_acknowledged')::text, '|' ORDER BY j.id), ''))
                               FROM jobs j WHERE j.tenant = ?),
                            (SELECT md5(coalesce(string_agg((to_jsonb(r) - 'last_heartbeat_at' - 'reported_status' - 'updated_at')::text, '|' ORDER BY r.id), ''))
                               FROM runners r WHERE r.tenant = ?),
                            (SELECT md5(coalesce(string_agg((to_jsonb(k) - 'last_used_at')::text, '|' ORDER BY k.id), ''))
                               FROM api_keys k WHERE k.tenant = ?),
                            (SELECT md5(coalesce(string_agg(to_jsonb(l)::text, '|' ORDER BY l.job_id, l.seq), ''))
                               FROM job_logs l JOIN jobs j ON j.id = l.job_id WHERE j.tenant = ?),
                            (SELECT md5(coalesce(string_agg((to_jsonb(e) - 'sequence')::text, '|' ORDER BY e.pos), ''))
                               FROM events e WHERE e.tenant = ? AND e.type <> 'paddock.runner.online'
                                AND NOT (e.type = 'paddock.runner.draining' AND e.details ->> 'previous_status' = 'offline'))""")) {
            for (int i = 1; i <= 5; i++) {
                query.setString(i, tenant);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new String[]{"jobs " + row.getString(1), "runners " + row.getString(2),
                        "api_keys " + row.getString(3), "job_logs " + row.getString(4), "events " + row.getString(5)};
            }
        }
    }

    /** A value of {@code arbitrary}, drawn in the run's jqwik session, seeded with {@link #SEED}. */
    private static <T> T sample(Arbitrary<T> arbitrary) {
        return arbitrary.sample();
    }

    @SafeVarargs
    private static <T> T pick(T... choices) {
        return choices[RANDOM.nextInt(choices.length)];
    }

    private static String randomUuid() {
        return new UUID(RANDOM.nextLong(), RANDOM.nextLong()).toString();
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
