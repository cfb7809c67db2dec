package dev.paddock;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published contract names every request property exactly as the server reads it: for each
 * operation with a JSON body, the schema's properties (and those of the schemas it nests) are the
 * properties the service's own JSON mapper deserialises from the Java type the route takes.
 * A generated client that follows the document therefore sends fields that take effect.
 */
@QuarkusTest
class OpenApiWireNamesTest {

    @Inject
    ObjectMapper mapper;

    @Test
    @SuppressWarnings("unchecked")
    void everyRequestSchemaNamesThePropertiesTheServerReads() {
        Map<String, Object> document = document();
        Map<String, Object> schemas = schemas(document);
        Map<String, Type> bodies = requestBodyTypesByOperation();

        List<String> checked = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, operation) -> {
            if (!(operation instanceof Map<?, ?> op) || !op.containsKey("requestBody")) {
                return;
            }
            Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) op.get("requestBody")).get("content");
            Map<String, Object> json = (Map<String, Object>) content.get("application/json");
            if (json == null) {
                return;
            }
            String operationKey = method.toUpperCase() + " " + path;
            Type javaType = bodies.get(operationKey);
            assertTrue(javaType != null, "no resource method found for " + operationKey);
            compare(operationKey, (Map<String, Object>) json.get("schema"), mapper.constructType(javaType), schemas,
                    new HashSet<>(), mismatches);
            checked.add(operationKey);
        }));

        assertTrue(checked.size() >= 20, "request bodies checked: " + checked);
        assertEquals(List.of(), mismatches);
    }

    /** Two records both called Create would otherwise publish "Create" and "Create1" to generated clients. */
    @Test
    void schemaNamesSayWhatTheyAre() {
        Map<String, Object> schemas = schemas(document());
        assertEquals(List.of(), schemas.keySet().stream().filter(name -> name.matches(".*\\d") || name.equals("JsonNode")).sorted().toList());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() {
        return given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().as(Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schemas(Map<String, Object> document) {
        return (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
    }

    @SuppressWarnings("unchecked")
    private void compare(String where, Map<String, Object> schema, JavaType type, Map<String, Object> schemas,
                         Set<String> seen, List<String> mismatches) {
        if (schema == null) {
            return;
        }
        if (schema.containsKey("items") && type.getContentType() != null) {
            compare(where + "[]", (Map<String, Object>) schema.get("items"), type.getContentType(), schemas, seen, mismatches);
            return;
        }
        String ref = (String) schema.get("$ref");
        if (ref == null || type.isMapLikeType() || type.isContainerType() || !seen.add(ref)) {
            return;
        }
        Map<String, Object> resolved = (Map<String, Object>) schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
        Map<String, Object> properties = (Map<String, Object>) resolved.getOrDefault("properties", Map.of());

        BeanDescription description = mapper.getDeserializationConfig().introspect(type);
        Map<String, BeanPropertyDefinition> read = new HashMap<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (property.couldDeserialize()) {
                read.put(property.getName(), property);
            }
        }
        if (!new TreeSet<>(properties.keySet()).equals(new TreeSet<>(read.keySet()))) {
            mismatches.add(where + " " + ref + ": document " + new TreeSet<>(properties.keySet())
                    + ", server reads " + new TreeSet<>(read.keySet()));
            return;
        }
        read.forEach((name, property) -> compare(where + "." + name, (Map<String, Object>) properties.get(name),
                property.getPrimaryType(), schemas, seen, mismatches));
    }

    /** "POST /api/runners/jobs/claim" → the Java type of the body its resource method takes. */
    private static Map<String, Type> requestBodyTypesByOperation() {
        Map<String, Type> bodies = new HashMap<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> resource = bean.getBeanClass();
            Path root = resource.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                String verb = httpMethod(method);
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String path = ("/" + root.value() + "/" + (sub == null ? "" : sub.value()))
                        .replaceAll("/+", "/").replaceAll("(.)/$", "$1").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
                for (Parameter parameter : method.getParameters()) {
                    RequestBody declared = parameter.getAnnotation(RequestBody.class);
                    if (declared != null && declared.content().length > 0
                            && declared.content()[0].schema().implementation() != Void.class) {
                        bodies.put(verb + " " + path, declared.content()[0].schema().implementation());
                    } else if (isEntity(parameter)) {
                        bodies.put(verb + " " + path, parameter.getParameterizedType());
                    }
                }
            }
        }
        return bodies;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** The entity is the one parameter no JAX-RS or RESTEasy annotation binds to something else. */
    private static boolean isEntity(Parameter parameter) {
        for (Annotation annotation : parameter.getAnnotations()) {
            String name = annotation.annotationType().getName();
            if (name.startsWith("jakarta.ws.rs.") || name.startsWith("org.jboss.resteasy.reactive.")) {
                return false;
            }
        }
        return true;
    }
}
