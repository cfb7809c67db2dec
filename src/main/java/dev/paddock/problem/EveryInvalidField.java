package dev.paddock.problem;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * "Every invalid field listed", also when one of them has the wrong type: Jackson stops at the
 * first value it cannot bind, so a body holding {@code "max_concurrency": "abc"} and an empty
 * {@code name} was answered with the first alone. Here each property of the body's record is read
 * on its own, the ones that do not bind are listed, and the record made of the others is
 * validated for the rest.
 */
@ApplicationScoped
public class EveryInvalidField {

    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

    /**
     * Every invalid field of {@code body} read as {@code type}; empty when it cannot tell better
     * than the binding failure itself (not a JSON object, not a record, or no property of its own
     * fails to bind).
     */
    public List<FieldError> of(byte[] body, Class<?> type) {
        if (body == null || type == null || !type.isRecord()) {
            return List.of();
        }
        try {
            return every(body, type);
        } catch (RuntimeException e) {
            return List.of(); // whatever went wrong here, the binding failure itself is still the answer
        }
    }

    private List<FieldError> every(byte[] body, Class<?> type) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (java.io.IOException e) {
            return List.of();
        }
        if (!(tree instanceof ObjectNode object)) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        ObjectNode bindable = object.deepCopy();
        // a component that failed under one of its names is not listed again under another (jobId, job_id)
        Set<String> named = new HashSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            Set<String> names = names(component);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value == null) {
                    continue;
                }
                try {
                    json.readerFor(json.getTypeFactory().constructType(component.getGenericType())).readValue(value);
                } catch (JsonMappingException e) {
                    errors.addAll(ProblemMappers.fromJackson(e, name).errors());
                    bindable.remove(name);
                    named.addAll(names);
                } catch (java.io.IOException e) {
                    return List.of();
                }
            }
        }
        if (errors.isEmpty()) {
            return List.of();
        }
        try {
            Set<? extends ConstraintViolation<?>> violations = validator.validate(json.treeToValue(bindable, type));
            if (!violations.isEmpty()) {
                ProblemMappers.fieldErrors(violations, name -> name).stream()
                        .filter(error -> !named.contains(ProblemMappers.firstSegment(error.field()))).forEach(errors::add);
            }
        } catch (JacksonException e) {
            // the other properties do not make the record either: the types are what can be said
        }
        return errors;
    }

    /** The names the body may give the component: its own ({@code @JsonProperty}, else snake_case), then its aliases. */
    private static Set<String> names(RecordComponent component) {
        Set<String> names = new LinkedHashSet<>();
        JsonProperty named = component.getAccessor().getAnnotation(JsonProperty.class);
        if (named == null) {
            named = component.getAnnotation(JsonProperty.class);
        }
        names.add(named != null && !named.value().isEmpty() ? named.value() : SNAKE.translate(component.getName()));
        JsonAlias aliases = component.getAccessor().getAnnotation(JsonAlias.class);
        if (aliases == null && component.isAnnotationPresent(JsonAlias.class)) {
            aliases = component.getAnnotation(JsonAlias.class);
        }
        if (aliases != null) {
            names.addAll(List.of(aliases.value()));
        }
        return names;
    }
}
