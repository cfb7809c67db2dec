package dev.paddock.common;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PageRequest}'s parameters on every operation that answers a page (a body with
 * {@code total}, {@code limit} and {@code offset}), so the document says how every list is paged.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiPaging implements OASFilter {

    private static final Set<String> PAGE_FIELDS = Set.of("total", "limit", "offset");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        openAPI.getPaths().getPathItems().values().forEach(item -> {
            Operation get = item.getGET();
            if (get != null && answersAPage(get, schemas)) {
                add(get, "limit", "Items at most (default " + PageRequest.DEFAULT_LIMIT + ")", 1, PageRequest.MAX_LIMIT);
                add(get, "offset", "Items skipped (default 0)", 0, Integer.MAX_VALUE);
                add(get, "page", "Instead of offset: the page, from 1 (answered with page and per_page)", 1, PageRequest.MAX_PAGE);
                add(get, "per_page", "With page: items a page", 1, PageRequest.MAX_LIMIT);
            }
        });
    }

    private static boolean answersAPage(Operation operation, Map<String, Schema> schemas) {
        APIResponse ok = operation.getResponses() == null ? null : operation.getResponses().getAPIResponse("200");
        if (ok == null || ok.getContent() == null || ok.getContent().getMediaType("application/json") == null) {
            return false;
        }
        Schema schema = ok.getContent().getMediaType("application/json").getSchema();
        if (schema != null && schema.getRef() != null) {
            schema = schemas.get(schema.getRef().substring(schema.getRef().lastIndexOf('/') + 1));
        }
        return schema != null && schema.getProperties() != null && schema.getProperties().keySet().containsAll(PAGE_FIELDS);
    }

    private static void add(Operation operation, String name, String description, int minimum, Integer maximum) {
        List<Parameter> declared = operation.getParameters();
        if (declared != null && declared.stream().anyMatch(parameter -> name.equals(parameter.getName()))) {
            return;
        }
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.valueOf(minimum));
        if (maximum != null) {
            schema.maximum(BigDecimal.valueOf(maximum));
        }
        operation.addParameter(OASFactory.createParameter().name(name).in(Parameter.In.QUERY).description(description)
                .schema(schema));
    }
}
