package dev.paddock.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.smallrye.openapi.runtime.io.Format;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code Allow} header of a 405 (RFC 9110: a 405 must carry one), which Quarkus REST leaves
 * out, and of an OPTIONS answer ({@link MethodGate}): the methods the OpenAPI document lists for
 * the most literal path template the request's path matches, with HEAD beside GET, and OPTIONS.
 * Read from the document once, beside the start ({@link #read}).
 */
@ApplicationScoped
public class AllowedMethods {

    private static final Logger LOG = Logger.getLogger(AllowedMethods.class);
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS");

    private record Template(Pattern path, int variables, Set<String> methods) {
    }

    @Inject
    OpenApiDocumentService documents;

    @Inject
    ObjectMapper json;

    /** The document's paths, once read: every template, and the methods of each path without variables. */
    private record Known(List<Template> templates, Map<String, Set<String>> literals) {
    }

    private volatile Known known;

    /** Read beside the start, so that a request on an event loop never waits for the document. */
    void read(@Observes StartupEvent event) {
        Thread.ofVirtual().name("paddock-allowed-methods").start(this::known);
    }

    /** Whether the document has been read: until then {@link #at} would wait for it. */
    public boolean isRead() {
        return known != null;
    }

    /**
     * The methods the document lists for this exact path when it has no variables ({@code
     * /api/runners/available}), else null; null too while the document is being read (never waits).
     */
    public Set<String> ofLiteral(String path) {
        Known read = known;
        return read == null ? null : read.literals().get(path);
    }

    /**
     * {@code GET, HEAD, OPTIONS, POST}, or null when the document names no operation at this path:
     * those of its most literal template ({@code /api/runners/available} before {@code /api/runners/{id}}).
     */
    public String at(String path) {
        Set<String> allowed = new TreeSet<>();
        int fewest = Integer.MAX_VALUE;
        for (Template template : known().templates()) {
            if (template.path().matcher(path).matches() && template.variables() <= fewest) {
                if (template.variables() < fewest) {
                    allowed.clear();
                    fewest = template.variables();
                }
                allowed.addAll(template.methods());
            }
        }
        if (allowed.isEmpty()) {
            return null;
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return String.join(", ", allowed);
    }

    private Known known() {
        Known read = known;
        if (read == null) {
            read = readDocument();
            known = read;
        }
        return read;
    }

    private Known readDocument() {
        List<Template> read = new ArrayList<>();
        Map<String, Set<String>> literals = new HashMap<>();
        try {
            JsonNode paths = json.readTree(documents.getDocument(OpenApiConstants.DEFAULT_DOCUMENT_NAME, Format.JSON)).path("paths");
            for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                Set<String> methods = new TreeSet<>();
                entry.getValue().fieldNames().forEachRemaining(name -> {
                    if (METHODS.contains(name.toUpperCase(Locale.ROOT))) {
                        methods.add(name.toUpperCase(Locale.ROOT));
                    }
                });
                String regex = "\\Q" + entry.getKey().replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E/?";
                int variables = (int) entry.getKey().chars().filter(c -> c == '{').count();
                read.add(new Template(Pattern.compile(regex), variables, Set.copyOf(methods)));
                if (variables == 0) {
                    TreeSet<String> implied = new TreeSet<>(methods);
                    if (implied.contains("GET")) {
                        implied.add("HEAD");
                    }
                    implied.add("OPTIONS");
                    literals.put(entry.getKey(), Collections.unmodifiableSortedSet(implied));
                    literals.put(entry.getKey() + "/", Collections.unmodifiableSortedSet(implied));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("The OpenAPI document could not be read for the Allow header: %s", e.toString());
        }
        return new Known(List.copyOf(read), Map.copyOf(literals));
    }
}
