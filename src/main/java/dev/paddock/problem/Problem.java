package dev.paddock.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** RFC 9457 problem details, the body of every error answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", requiredProperties = {"type", "title", "status"}, description = "RFC 9457 problem details (application/problem+json).", example = """
        {"type": "https://paddock.dev/problems/invalid-request", "title": "Invalid request", "status": 400,
         "detail": "The request has 1 invalid field(s).", "errors": [{"field": "labels[2]", "message": "must match ^[a-z0-9][a-z0-9._:-]{0,62}$"}]}""")
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://paddock.dev/problems/";

    public static Problem of(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(TYPE_BASE + slug, title, status, detail, errors == null || errors.isEmpty() ? null : errors);
    }
}
