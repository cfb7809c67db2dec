package dev.paddock.problem;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one place where failures become problem+json. Nothing here echoes exception messages of
 * libraries (they may carry SQL or input), and nothing logs a stack trace.
 */
@Singleton
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

    @Inject
    EveryInvalidField everyInvalidField;

    @Inject
    AllowedMethods allowedMethods;

    @Inject
    CurrentVertxRequest currentRequest;

    public static Response toResponse(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder builder = Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(e.toProblem());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        return problem(ProblemException.invalid(fieldErrors(e.getConstraintViolations(), name -> name)));
    }

    /**
     * A body's violations as the fields they name, in order; {@code naming} renames each field's
     * first segment (a dialect's body validated in its canonical form names its own fields).
     */
    public static List<FieldError> fieldErrors(Set<? extends ConstraintViolation<?>> violations,
                                               java.util.function.UnaryOperator<String> naming) {
        // one entry a field, with every rule it breaks (an empty name is blank and shorter than 1 character)
        Map<String, SortedSet<String>> messages = new TreeMap<>();
        for (ConstraintViolation<?> violation : violations) {
            String field = fieldName(violation.getPropertyPath());
            String first = firstSegment(field);
            messages.computeIfAbsent(naming.apply(first) + field.substring(first.length()), name -> new TreeSet<>())
                    .add(violation.getMessage());
        }
        List<FieldError> errors = new ArrayList<>();
        messages.forEach((field, said) -> errors.add(new FieldError(field, String.join("; ", said))));
        return errors;
    }

    /** {@code labels[2]} and {@code tokens_used.input} belong to the body's {@code labels} and {@code tokens_used}. */
    static String firstSegment(String field) {
        int end = field.replace('[', '.').indexOf('.');
        return end < 0 ? field : field.substring(0, end);
    }

    @ServerExceptionMapper
    public Response json(JacksonException e, HttpHeaders headers, UriInfo uri, ResourceInfo resource) {
        return problem(unreadableBody(e, headers, uri, resource));
    }

    // Quarkus REST ships mappers for these two; ours must be at least as specific to win.
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpHeaders headers, UriInfo uri, ResourceInfo resource) {
        return problem(unreadableBody(e, headers, uri, resource));
    }

    @ServerExceptionMapper
    public Response unparsable(JsonParseException e, HttpHeaders headers, UriInfo uri, ResourceInfo resource) {
        return problem(unreadableBody(e, headers, uri, resource));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpHeaders headers, UriInfo uri, ResourceInfo resource) {
        if (e.getCause() instanceof JacksonException jackson) {
            return problem(unreadableBody(jackson, headers, uri, resource));
        }
        int status = e.getResponse().getStatus();
        String slug = switch (status) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "No resource at this path.";
            case 405 -> "This method is not allowed on this resource.";
            case 415 -> "Send application/json.";
            default -> title + ".";
        };
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, slug, title, detail, null));
        if (e instanceof NotAllowedException) {
            String allow = e.getResponse().getHeaderString("Allow");
            builder.header("Allow", allow != null ? allow : allowedMethods.at(uri.getRequestUri().getRawPath()));
        }
        return builder.build();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        if (holdsNulCharacter(e)) {
            return problem(ProblemException.badRequest(
                    "A text value holds the NUL character (\\u0000), which cannot be stored; remove it."));
        }
        if (isTransient(e)) {
            LOG.warnf("Answered 503 for a transient database failure: %s", e.getClass().getName());
            return problem(ProblemException.unavailable("The service is busy; try again."));
        }
        String errorId = UUID.randomUUID().toString();
        // Only the exception types: their messages may hold SQL text or request data.
        StringBuilder chain = new StringBuilder(e.getClass().getName());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            chain.append(" <- ").append(cause.getClass().getName());
        }
        LOG.errorf("Unexpected failure %s: %s", errorId, chain);
        return toResponse(Problem.of(500, "internal-error", "Internal error",
                "Something went wrong on our side (error id " + errorId + ").", null));
    }

    /**
     * A NUL character that no field check caught: refused by PostgreSQL in text (22021) or jsonb
     * (22P05), or by the strict reader in a value converted after the body was read.
     */
    public static boolean holdsNulCharacter(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StrictJsonInput.NulCharacterException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql
                    && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failure that trying again later can cure, so 503 rather than 500: no database connection
     * free in time (Agroal says so only in its message), the connection lost (SQLSTATE class 08),
     * the database out of resources (53) or shutting down (57P), a deadlock or serialization
     * failure (40001, 40P01).
     */
    static boolean isTransient(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.sql.SQLTransientException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state == null ? String.valueOf(sql.getMessage()).contains("acquisition timeout")
                        : state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                          || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A body is read before the resource checks credentials; an anonymous call to the API must
     * still learn first that it needs credentials (401), whatever its body holds.
     */
    private ProblemException unreadableBody(JacksonException e, HttpHeaders headers, UriInfo uri, ResourceInfo resource) {
        boolean anonymous = headers.getHeaderString(HttpHeaders.AUTHORIZATION) == null
                && headers.getHeaderString("X-Runner-Token") == null
                && headers.getHeaderString("x-api-key") == null;
        if (anonymous && uri.getPath().startsWith("/api/")) {
            return ProblemException.unauthorized("Credentials are required.");
        }
        if (e instanceof MismatchedInputException || e instanceof StrictJsonInput.NulCharacterException) {
            List<FieldError> every = everyInvalidField.of(body(), bodyType(resource));
            if (!every.isEmpty()) {
                return ProblemException.invalid(every);
            }
        }
        return fromJackson(e);
    }

    /** The request's body, as RequestBodyReader read it whole before the resource. */
    private byte[] body() {
        RoutingContext context = currentRequest.getCurrent();
        return context == null || context.body() == null || context.body().buffer() == null ? null
                : context.body().buffer().getBytes();
    }

    /** The type of the resource method's body: its one parameter without a JAX-RS annotation. */
    private static Class<?> bodyType(ResourceInfo resource) {
        java.lang.reflect.Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return null;
        }
        for (java.lang.reflect.Parameter parameter : method.getParameters()) {
            if (java.util.Arrays.stream(parameter.getAnnotations()).noneMatch(annotation ->
                    annotation.annotationType().getPackageName().equals("jakarta.ws.rs")
                    || annotation.annotationType().getPackageName().equals("jakarta.ws.rs.core"))) {
                return parameter.getType();
            }
        }
        return null;
    }

    public static ProblemException fromJackson(JacksonException e) {
        return fromJackson(e, "");
    }

    /** {@link #fromJackson(JacksonException)} of a value read as the body's field {@code prefix}. */
    static ProblemException fromJackson(JacksonException e, String prefix) {
        if (e instanceof JsonParseException || !(e instanceof JsonMappingException mapping)) {
            return new ProblemException(400, "malformed-json", "Malformed JSON",
                    "The request body is not valid JSON.", null, null);
        }
        String path = jsonPath(mapping.getPath());
        String field = prefix.isEmpty() || path.isEmpty() || path.startsWith("[") ? prefix + path : prefix + "." + path;
        if (e instanceof StrictJsonInput.NulCharacterException) {
            return ProblemException.invalid(field.isEmpty() ? "body" : field, "must not contain the NUL character (\\u0000)");
        }
        if (field.isEmpty()) {
            return new ProblemException(400, "malformed-json", "Malformed JSON",
                    "The request body does not have the expected JSON shape.", null, null);
        }
        String expected = e instanceof InvalidFormatException invalid && invalid.getTargetType() != null
                ? describe(invalid.getTargetType())
                : e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null
                ? describe(mismatched.getTargetType()) : "a value of another type";
        return ProblemException.invalid(field, "must be " + expected);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        return "an object";
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** {@code create.body.labels[2].<list element>} becomes {@code labels[2]}; names in snake_case. */
    static String fieldName(Path path) {
        StringBuilder out = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR || kind == ElementKind.RETURN_VALUE
                    || kind == ElementKind.CROSS_PARAMETER) {
                continue;
            }
            if (kind == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.getIndex() != null) {
                out.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null) {
                out.append('.').append(node.getKey());
            }
            if (kind == ElementKind.PROPERTY && node.getName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(SNAKE.translate(node.getName()));
            }
        }
        if (out.isEmpty()) {
            return parameter == null ? "body" : SNAKE.translate(parameter);
        }
        return out.toString();
    }
}
