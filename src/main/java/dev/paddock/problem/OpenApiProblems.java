package dev.paddock.problem;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * The refusals of every operation in the OpenAPI document, as the service answers them: each a
 * problem+json body ({@code Problem}), declared by the rules that make them — 400 where there is
 * input to refuse, 401 and 403 where a credential is needed, 404 where a path names a resource or a
 * runner's call may name another runner, 413 where a body is read, 429 on the runners' rate-limited
 * routes — and a {@code default} for the rest (409 when a resource's state forbids the call, 503
 * while the database is unreachable). A code an operation declares itself is left as it is.
 * It runs once, when the document is built.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiProblems implements OASFilter {

    static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> operations(item).forEach((method, operation) ->
                declareRefusals(method, path, operation)));
    }

    private static Map<PathItem.HttpMethod, Operation> operations(PathItem item) {
        return item.getOperations() == null ? Map.of() : item.getOperations();
    }

    private static void declareRefusals(PathItem.HttpMethod method, String path, Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        List<String> schemes = operation.getSecurity() == null ? List.of()
                : operation.getSecurity().stream().flatMap(requirement -> requirement.getSchemes().keySet().stream()).toList();
        boolean credentialed = !schemes.isEmpty();
        boolean runnerCall = schemes.contains("runnerToken");
        boolean readsBody = operation.getRequestBody() != null || method == PathItem.HttpMethod.POST
                || method == PathItem.HttpMethod.PUT || method == PathItem.HttpMethod.PATCH;
        boolean namesResource = path.contains("{");
        boolean hasInput = readsBody || namesResource
                || operation.getParameters() != null && !operation.getParameters().isEmpty();

        if (hasInput || credentialed) {
            declare(responses, "400", "Malformed or invalid input: every invalid field is listed in errors[] "
                    + "(a body, a query or path parameter, a header that does not parse).", null);
        }
        if (credentialed) {
            declare(responses, "401", "No credential, or one that is not valid (expired, revoked, unknown, wrong issuer).",
                    Map.of("WWW-Authenticate", header("The scheme to authenticate with.")));
            declare(responses, "403", "The credential lacks the scope this operation needs.", null);
        }
        if (namesResource || runnerCall) {
            declare(responses, "404", "Not found: also another tenant's resource, and another runner's "
                    + "(a runner acts on itself and the jobs it holds).", null);
        }
        if (readsBody) {
            declare(responses, "413", "The body is larger than 1 MiB (a job's payload: 256 KiB).", null);
        }
        if (runnerCall) {
            declare(responses, "429", "More than 120 calls a minute by this runner.",
                    Map.of("Retry-After", header("Seconds until a call is admitted again.")));
        }
        // a refusal the operation declares itself (e.g. its own rate limit) has the same body
        for (Map.Entry<String, APIResponse> declared : Map.copyOf(responses.getAPIResponses()).entrySet()) {
            if (!"default".equals(declared.getKey()) && declared.getKey().compareTo("400") >= 0) {
                declare(responses, declared.getKey(), declared.getValue().getDescription(), null);
            }
        }
        if (responses.getDefaultValue() == null) {
            responses.setDefaultValue(problem("Any other refusal: 409 when the resource's state forbids the call "
                    + "(e.g. lease-lost: a stale or missing X-Lease-Id), 503 while the database cannot be reached.", null));
        }
    }

    /** Adds the refusal, or gives one the operation declares without a body the problem+json body. */
    private static void declare(APIResponses responses, String code, String description, Map<String, Header> headers) {
        APIResponse declared = responses.getAPIResponse(code);
        if (declared == null) {
            responses.addAPIResponse(code, problem(description, headers));
        } else if (declared.getContent() == null || declared.getContent().getMediaTypes().isEmpty()) {
            APIResponse problem = problem(description, headers);
            declared.setContent(problem.getContent());
            if (declared.getDescription() == null || declared.getDescription().isBlank()
                    || declared.getDescription().equals("Bad Request")) {
                declared.setDescription(description);
            }
            if (headers != null && declared.getHeaders() == null) {
                declared.setHeaders(headers);
            }
        }
    }

    private static APIResponse problem(String description, Map<String, Header> headers) {
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(PROBLEM_JSON,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem"))));
        if (headers != null) {
            response.setHeaders(headers);
        }
        return response;
    }

    private static Header header(String description) {
        return OASFactory.createHeader().description(description)
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
    }
}
