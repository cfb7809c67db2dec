package dev.paddock.common;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Agents and scripts often POST without a Content-Type, or with whatever their HTTP client
 * defaults to (curl's form encoding, text/plain), for a bodiless cancel, heartbeat or claim.
 * The API speaks JSON only, so every body is read as JSON: a body that is not JSON then gets a
 * 400 naming the problem rather than a 415. A Content-Type that is no media type at all is a 415
 * when a body comes with it, and ignored when none does.
 */
public class DefaultJsonContentType {

    private static final String JSON = MediaType.APPLICATION_JSON;

    @ServerRequestFilter(preMatching = true)
    public void assumeJson(ContainerRequestContext request) {
        String raw = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (raw != null && raw.regionMatches(true, 0, JSON, 0, JSON.length())
                && (raw.length() == JSON.length() || raw.charAt(JSON.length()) == ';')) {
            return; // what agents send on every call: not worth parsing (2 % of a heartbeat's CPU)
        }
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (IllegalArgumentException malformed) { // "K": no type/subtype at all (was a 500)
            if (carriesABody(request)) {
                throw new NotSupportedException("The Content-Type is malformed; send application/json.");
            }
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
            return;
        }
        if (type == null || !(type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    private static boolean carriesABody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        return request.getHeaderString("Transfer-Encoding") != null || length != null && !length.trim().equals("0");
    }
}
