package dev.paddock.common;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Three rules on the OpenAPI document's schemas, applied once when the document is built.
 * <ul>
 * <li>Answers as the service writes them: every property of an answer's object is there
 * ({@code required}: the service writes an empty field as null rather than leaving it out) and may
 * be null. Only schemas that are nothing but answers change, so a request's schema keeps the fields
 * it may leave out. A property left out when empty carries the extension {@link #OPTIONAL}
 * (removed here); a schema that declares its own {@code required} keeps it.</li>
 * <li>A UUID's pattern (SmallRye writes it inline where a field carries its own annotations) is the
 * whole value, as the service reads it: JSON Schema's {@code pattern} matches anywhere, so it is
 * anchored.</li>
 * <li>A parameter declared by its name alone is text (OpenAPI 3.1 wants a schema).</li>
 * <li>An array parameter's items take the pattern its schema names in {@link #ITEMS_PATTERN}
 * (MicroProfile's {@code @Schema} cannot give an item a pattern); a map's keys the pattern in
 * {@link #KEYS_PATTERN}.</li>
 * <li>Requests as the service reads them: a field it may be sent without may be sent as null too
 * (read as absent), and free text holds no NUL (PostgreSQL stores none: {@code StrictJsonInput}
 * refuses it), unless the field carries {@link #ANY_TEXT}.</li>
 * </ul>
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiSchemas implements OASFilter {

    /** On a property the service leaves out when empty ({@code @JsonInclude(NON_NULL)}). */
    public static final String OPTIONAL = "x-paddock-optional";
    /** On an array parameter's schema: the pattern of each of its items (removed here). */
    public static final String ITEMS_PATTERN = "x-paddock-items-pattern";
    /** On a map's schema: the pattern of each of its keys (removed here). */
    public static final String KEYS_PATTERN = "x-paddock-keys-pattern";
    /** On a string field that takes the NUL character (read with it replaced, as a log's text is). */
    public static final String ANY_TEXT = "x-paddock-any-text";
    private static final String NO_NUL = "^[^\\u0000]*$";
    /** {@code @NotBlank} (SmallRye writes {@code \\S}) as Bean Validation means it: something past trim(); and no NUL. */
    private static final String NOT_BLANK_NO_NUL = "^[^\\u0000]*[^\\u0000-\\u0020][^\\u0000]*$";
    private static final String COMPONENT = "#/components/schemas/";
    /** SmallRye's pattern of a UUID, unanchored. */
    private static final String UUID_PATTERN = "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        Set<String> answers = new HashSet<>();
        Set<String> inputs = new HashSet<>();
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            if (item.getOperations() == null) {
                continue;
            }
            for (Operation operation : item.getOperations().values()) {
                if (operation.getResponses() != null) {
                    operation.getResponses().getAPIResponses().values().forEach(response -> {
                        if (response.getContent() != null) {
                            response.getContent().getMediaTypes().values().forEach(type -> reach(type.getSchema(), schemas, answers));
                        }
                    });
                }
                if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                    operation.getRequestBody().getContent().getMediaTypes().values()
                            .forEach(type -> reach(type.getSchema(), schemas, inputs));
                }
                if (operation.getParameters() != null) {
                    operation.getParameters().forEach(parameter -> reach(parameter.getSchema(), schemas, inputs));
                }
            }
        }
        answers.removeAll(inputs);
        answers.forEach(name -> everyPropertyPresentAndNullable(schemas.get(name)));
        inputs.forEach(name -> asTheServiceReadsIt(schemas.get(name)));
        anchorUuids(openAPI);
        openAPI.getPaths().getPathItems().values().stream().filter(item -> item.getOperations() != null)
                .flatMap(item -> item.getOperations().values().stream())
                .filter(operation -> operation.getParameters() != null)
                .flatMap(operation -> operation.getParameters().stream())
                .forEach(parameter -> {
                    if (parameter.getSchema() == null && parameter.getContent() == null) {
                        parameter.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
                    }
                    itemsPattern(parameter.getSchema());
                });
    }

    private static void asTheServiceReadsIt(Schema schema) {
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        for (Map.Entry<String, Schema> property : List.copyOf(schema.getProperties().entrySet())) {
            Schema value = property.getValue();
            Map<String, Object> extensions = value.getExtensions() == null ? Map.of() : value.getExtensions();
            if (extensions.containsKey(KEYS_PATTERN)) {
                value.setPropertyNames(OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .pattern(String.valueOf(extensions.get(KEYS_PATTERN))));
                value.removeExtension(KEYS_PATTERN);
            }
            if (extensions.containsKey(ANY_TEXT)) {
                value.removeExtension(ANY_TEXT);
            } else if ("\\S".equals(value.getPattern())) {
                value.setPattern(NOT_BLANK_NO_NUL);
            } else if (List.of(Schema.SchemaType.STRING).equals(value.getType()) && value.getPattern() == null
                    && value.getEnumeration() == null && value.getFormat() == null) {
                value.setPattern(NO_NUL);
            }
            if (!required.contains(property.getKey())) {
                schema.addProperty(property.getKey(), nullable(value));
            }
        }
    }

    private static void itemsPattern(Schema schema) {
        if (schema == null || schema.getExtensions() == null || !schema.getExtensions().containsKey(ITEMS_PATTERN)) {
            return;
        }
        String pattern = String.valueOf(schema.getExtensions().get(ITEMS_PATTERN));
        schema.removeExtension(ITEMS_PATTERN);
        schema.setItems(OASFactory.createSchema().addType(Schema.SchemaType.STRING).pattern(pattern));
    }

    private static void anchorUuids(OpenAPI openAPI) {
        Set<Schema> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        openAPI.getComponents().getSchemas().values().forEach(schema -> every(schema, all));
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            if (item.getOperations() == null) {
                continue;
            }
            for (Operation operation : item.getOperations().values()) {
                if (operation.getParameters() != null) {
                    operation.getParameters().forEach(parameter -> every(parameter.getSchema(), all));
                }
                if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                    operation.getRequestBody().getContent().getMediaTypes().values().forEach(type -> every(type.getSchema(), all));
                }
            }
        }
        all.stream().filter(schema -> UUID_PATTERN.equals(schema.getPattern()))
                .forEach(schema -> schema.setPattern("^" + UUID_PATTERN + "$"));
    }

    /** The schema and every schema inside it. */
    private static void every(Schema schema, Set<Schema> all) {
        if (schema != null && all.add(schema)) {
            inside(schema).forEach(member -> every(member, all));
        }
    }

    private static void everyPropertyPresentAndNullable(Schema schema) {
        if (schema == null || schema.getProperties() == null || schema.getProperties().isEmpty()) {
            return;
        }
        boolean declaresRequired = schema.getRequired() != null && !schema.getRequired().isEmpty();
        for (Map.Entry<String, Schema> property : List.copyOf(schema.getProperties().entrySet())) {
            Schema value = property.getValue();
            boolean optional = value.getExtensions() != null && value.getExtensions().containsKey(OPTIONAL);
            if (optional) {
                value.removeExtension(OPTIONAL);
            } else if (!declaresRequired) {
                schema.addRequired(property.getKey());
            }
            everyPropertyPresentAndNullable(value);
            schema.addProperty(property.getKey(), nullable(value));
        }
    }

    /** The schema, or null: a type gains {@code "null"}; a reference becomes one of it or null. */
    private static Schema nullable(Schema schema) {
        List<Schema.SchemaType> types = schema.getType();
        if (schema.getRef() != null) {
            return OASFactory.createSchema().addAnyOf(schema)
                    .addAnyOf(OASFactory.createSchema().addType(Schema.SchemaType.NULL));
        }
        if (types != null && !types.isEmpty() && !types.contains(Schema.SchemaType.NULL)) {
            schema.addType(Schema.SchemaType.NULL);
        }
        return schema; // without a type it takes any value already, null included
    }

    private static void reach(Schema schema, Map<String, Schema> schemas, Set<String> reached) {
        if (schema == null) {
            return;
        }
        String ref = schema.getRef();
        if (ref != null && ref.startsWith(COMPONENT)) {
            String name = ref.substring(COMPONENT.length());
            if (reached.add(name)) {
                reach(schemas.get(name), schemas, reached);
            }
        }
        inside(schema).forEach(member -> reach(member, schemas, reached));
    }

    /** The schemas a schema holds: its properties', its items', its members'. */
    private static Stream<Schema> inside(Schema schema) {
        return Stream.of(schema.getProperties() == null ? List.<Schema>of() : schema.getProperties().values(),
                        Stream.of(schema.getItems(), schema.getAdditionalPropertiesSchema()).filter(Objects::nonNull).toList(),
                        schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())
                .filter(Objects::nonNull).flatMap(java.util.Collection::stream);
    }
}
