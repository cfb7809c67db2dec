package dev.paddock.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Agents and scripts often POST without a Content-Type, or with whatever their HTTP client
 * defaults to (curl's form encoding, text/plain), for a bodiless cancel, heartbeat or claim.
 * The API speaks JSON only, so every body is read as JSON: a body that is not JSON then gets a
 * 400 naming the problem rather than a 415.
 */
public class DefaultJsonContentType {

    @ServerRequestFilter(preMatching = true)
    public void assumeJson(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (type == null || !(type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }
}
