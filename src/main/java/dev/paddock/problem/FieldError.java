package dev.paddock.problem;

/** One invalid input field: its JSON path (snake_case, with indexes) and what is wrong with it. */
public record FieldError(String field, String message) {
}
