package dev.paddock.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every answer any test receives through rest-assured is one the OpenAPI document declares: its
 * status among the operation's responses (an error may fall under {@code default}), its content
 * type among those declared for that status, and a JSON body valid against the schema declared
 * for it (JSON Schema 2020-12, formats asserted, as OpenAPI 3.1 means it). Registered for every test (src/test/resources/META-INF/services):
 * as a JUnit extension (auto-detected) for the tests against the packaged app, and as Quarkus's
 * before-each callback for {@code @QuarkusTest}s, whose rest-assured lives in Quarkus's class
 * loader. So the whole suite checks the document against what the service does; a mismatch fails
 * the request that showed it.
 */
public final class OpenApiConformance implements Filter, BeforeAllCallback, QuarkusTestBeforeEachCallback {

    private static final OpenApiConformance INSTANCE = new OpenApiConformance();
    /** Answers of the HTTP layer that no operation chooses (request line or headers too large, method not routed). */
    private static final Set<Integer> HTTP_LAYER = Set.of(405, 414, 431);
    private static volatile List<Template> templates;
    private static volatile JsonNode components;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<JsonNode, Schema> COMPILED = new ConcurrentHashMap<>();

    private record Template(String path, Pattern pattern, int variables, JsonNode operations) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        register();
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        register();
    }

    private static void register() {
        synchronized (OpenApiConformance.class) {
            if (RestAssured.filters().stream().noneMatch(filter -> filter instanceof OpenApiConformance)) {
                RestAssured.filters(INSTANCE);
            }
        }
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext context) {
        Response response = context.next(request, responseSpec);
        URI uri = URI.create(request.getURI());
        String path = uri.getRawPath();
        if (path == null || path.startsWith("/q/") || HTTP_LAYER.contains(response.statusCode())) {
            return response;
        }
        JsonNode operation = operation(uri, request.getMethod().toLowerCase(Locale.ROOT), path);
        if (operation != null) {
            String problem = mismatch(operation.path("responses"), response);
            if (problem != null) {
                throw new AssertionError("OpenAPI document vs answer: " + request.getMethod() + " " + path + " answered "
                        + response.statusCode() + " " + response.contentType() + ": " + problem);
            }
        }
        return response;
    }

    /** Why the answer is not one the responses declare, or null. */
    static String mismatch(JsonNode responses, Response response) {
        int status = response.statusCode();
        JsonNode declared = responses.get(Integer.toString(status));
        if (declared == null) {
            if (status < 400 || !responses.has("default")) {
                return "status not declared (declared: " + names(responses) + ")";
            }
            declared = responses.get("default");
        }
        JsonNode content = declared.path("content");
        String type = response.contentType() == null ? "" : response.contentType().split(";")[0].trim();
        if (content.isEmpty()) {
            return response.asByteArray().length == 0 ? null : "a body where the document declares none";
        }
        if (!content.has(type)) {
            return "content type not declared (declared: " + names(content) + ")";
        }
        JsonNode schema = content.get(type).get("schema");
        return schema == null || !type.endsWith("json") ? null : invalid(schema, response.asByteArray());
    }

    /** Why the body does not match the schema, or null. */
    private static String invalid(JsonNode schema, byte[] body) {
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return "a body that is not JSON";
        }
        List<com.networknt.schema.Error> errors = COMPILED.computeIfAbsent(schema, declared -> {
            ObjectNode root = declared.deepCopy(); // its references point into the document's components
            root.set("components", components);
            return SCHEMAS.getSchema(root);
        }).validate(value);
        return errors.isEmpty() ? null : "the body does not match its schema: "
                + errors.stream().limit(5).map(com.networknt.schema.Error::toString).toList() + " in " + value;
    }

    private static String names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static JsonNode operation(URI uri, String method, String path) {
        return templates(uri).stream().filter(template -> template.pattern().matcher(path).matches())
                .min(Comparator.comparingInt(Template::variables))
                .map(template -> template.operations().get(method)).orElse(null);
    }

    private static List<Template> templates(URI uri) {
        List<Template> known = templates;
        if (known == null) {
            synchronized (OpenApiConformance.class) {
                if (templates == null) {
                    templates = load(uri);
                }
                known = templates;
            }
        }
        return known;
    }

    private static List<Template> load(URI uri) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    uri.resolve("/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode document = JSON.readTree(answer.body());
            components = document.path("components");
            JsonNode paths = document.path("paths");
            List<Template> loaded = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String template = entry.getKey();
                String regex = "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
                loaded.add(new Template(template, Pattern.compile(regex),
                        (int) template.chars().filter(c -> c == '{').count(), entry.getValue()));
            }
            return List.copyOf(loaded);
        } catch (Exception e) {
            throw new IllegalStateException("the OpenAPI document could not be read from " + uri, e);
        }
    }
}
