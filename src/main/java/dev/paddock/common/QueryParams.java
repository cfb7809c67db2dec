package dev.paddock.common;

import dev.paddock.problem.FieldError;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Query parameters parsed with errors collected, so one answer lists every bad parameter. */
public final class QueryParams {

    private QueryParams() {
    }

    /**
     * A free-text parameter, trimmed, blank read as absent; one holding the NUL character, which
     * PostgreSQL can neither store nor compare, is refused like a NUL anywhere else.
     */
    public static String text(MultivaluedMap<String, String> query, String name, List<FieldError> errors) {
        String value = query.getFirst(name);
        if (value != null && value.indexOf('\u0000') >= 0) {
            errors.add(new FieldError(name, "must not contain the NUL character (\\u0000)"));
            return null;
        }
        return trimmed(value);
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A parameter that takes one value: given twice it is refused, not read as its first. */
    private static String single(MultivaluedMap<String, String> query, String name, List<FieldError> errors) {
        List<String> values = query.get(name);
        if (values != null && values.size() > 1) {
            errors.add(new FieldError(name, "must be given once"));
            return null;
        }
        return trimmed(query.getFirst(name));
    }

    public static Integer integer(MultivaluedMap<String, String> query, String name, int min, int max,
                                  List<FieldError> errors) {
        String raw = single(query, name, errors);
        if (raw == null) {
            return null;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                errors.add(new FieldError(name, max == Integer.MAX_VALUE
                        ? (value < min ? "must be at least " + min : "must be at most " + max)
                        : "must be between " + min + " and " + max));
                return null;
            }
            return (int) value;
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be an integer"));
            return null;
        }
    }

    public static String oneOf(MultivaluedMap<String, String> query, String name, Set<String> allowed,
                               List<FieldError> errors) {
        String raw = single(query, name, errors);
        if (raw != null && !allowed.contains(raw)) {
            errors.add(new FieldError(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList())));
            return null;
        }
        return raw;
    }

    public static UUID uuid(MultivaluedMap<String, String> query, String name, List<FieldError> errors) {
        String raw = single(query, name, errors);
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(name, "must be a UUID"));
            return null;
        }
    }

    public static Instant timestamp(MultivaluedMap<String, String> query, String name, List<FieldError> errors) {
        String raw = single(query, name, errors);
        if (raw == null) {
            return null;
        }
        try {
            return IsoTimestamps.parse(raw);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(raw);
            } catch (DateTimeParseException again) {
                errors.add(new FieldError(name, "must be an ISO-8601 timestamp such as 2026-01-15T14:30:00Z"));
                return null;
            }
        }
    }

    /** Repeatable {@code label}; also accepts comma-separated values. */
    public static List<String> labels(MultivaluedMap<String, String> query, String name, List<FieldError> errors) {
        List<String> raw = query.get(name);
        return raw == null ? List.of() : labels(name, raw, errors);
    }

    /**
     * Labels given as comma-separated values (a repeated query parameter, a header): each trimmed,
     * empty ones ignored, each given once; one that is not a label is an error naming {@code name}.
     */
    public static List<String> labels(String name, List<String> raw, List<FieldError> errors) {
        List<String> labels = raw.stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .distinct()
                .toList();
        for (String label : labels) {
            if (!Labels.PATTERN.matcher(label).matches()) {
                errors.add(new FieldError(name, "'" + label + "' is not a valid label"));
            }
        }
        return labels;
    }
}
