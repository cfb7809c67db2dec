package dev.paddock.problem;

import java.util.List;
import java.util.Map;

/**
 * A refusal that becomes a problem+json answer. Domain code throws the named factories below;
 * {@link ProblemMappers} turns every one of them into the same envelope.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String slug, String title, String detail, List<FieldError> errors,
                            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(400, "invalid-request", "Invalid request",
                "The request has " + errors.size() + " invalid field(s).", errors, null);
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail, null, null);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"paddock\""));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail, null, null);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not-found", "Not found", what + " not found.", null, null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail, null, null);
    }

    public static ProblemException leaseLost() {
        return leaseLost("The X-Lease-Id header is missing or no longer holds this job; nothing was changed.");
    }

    public static ProblemException leaseLost(String detail) {
        return new ProblemException(409, "lease-lost", "Lease lost", detail, null, null);
    }

    public static ProblemException rateLimited(long retryAfterSeconds, String detail) {
        return new ProblemException(429, "rate-limited", "Too many requests", detail, null,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    /** 503 with Retry-After: the service cannot do it now, and the same call may succeed shortly. */
    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "unavailable", "Service unavailable", detail, null, Map.of("Retry-After", "1"));
    }

    /** The fields it names, for a refusal that gathers several. */
    public List<FieldError> errors() {
        return errors;
    }

    public int status() {
        return status;
    }

    public Problem toProblem() {
        return Problem.of(status, slug, title, getMessage(), errors);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
