package dev.paddock.problem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code Allow} header of a 405 (RFC 9110: a 405 must carry one), which Quarkus REST leaves
 * out: the methods the OpenAPI document lists for the most literal path template the request's
 * path matches, with HEAD beside GET and OPTIONS, as Quarkus answers an OPTIONS. Read from the
 * document on the first 405 only.
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

    private volatile List<Template> templates;

    /**
     * {@code GET, HEAD, OPTIONS, POST}, or null when the document names no operation at this path:
     * those of its most literal template ({@code /api/runners/available} before {@code /api/runners/{id}}).
     */
    public String at(String path) {
        Set<String> allowed = new TreeSet<>();
        int fewest = Integer.MAX_VALUE;
        for (Template template : templates()) {
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

    private List<Template> templates() {
        List<Template> known = templates;
        if (known == null) {
            known = read();
            templates = known;
        }
        return known;
    }

    private List<Template> read() {
        List<Template> read = new ArrayList<>();
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
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("The OpenAPI document could not be read for a 405's Allow header: %s", e.toString());
        }
        return List.copyOf(read);
    }
}
