package dev.paddock.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/**
 * The methods a documented path takes, as the document lists them ({@link AllowedMethods}), before
 * Quarkus REST matches a route:
 * <ul>
 * <li>an OPTIONS answers 204 with exactly those in {@code Allow}: Quarkus's own answer listed the
 * methods of every route its matching touched ({@code DELETE} on {@code /api/api-keys}, whose DELETE
 * is {@code /api/api-keys/{id}});</li>
 * <li>another method on a path without variables is a 405 there: Quarkus matched it to a template
 * that takes it ({@code PUT /api/runners/available} reached {@code PUT /api/runners/{id}}, a 404).</li>
 * </ul>
 * Both only once the document has been read (beside the start): an event loop never waits for it.
 */
public class MethodGate {

    @Inject
    AllowedMethods allowedMethods;

    @ServerRequestFilter(preMatching = true)
    public Response admit(ContainerRequestContext request) {
        String method = request.getMethod();
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (HttpMethod.OPTIONS.equals(method)) {
            String allowed = allowedMethods.isRead() ? allowedMethods.at(path) : null;
            return allowed == null ? null : Response.noContent().header(HttpHeaders.ALLOW, allowed).build();
        }
        Set<String> literal = allowedMethods.ofLiteral(path);
        if (literal != null && !literal.contains(method)) {
            throw new NotAllowedException(Response.status(Response.Status.METHOD_NOT_ALLOWED)
                    .header(HttpHeaders.ALLOW, String.join(", ", literal)).build());
        }
        return null;
    }
}
