package dev.paddock.auth;

import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only, for each path's last request: the authentication-failure handler it reached the
 * resources with, and whether the REST layer had already looked up its route template for the
 * metrics of an authentication failure (Quarkus keeps that template on the request's context;
 * before matching, only that lookup has set it).
 */
public class AuthFailureHandlerProbe {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();
    static final Map<String, Boolean> ROUTE_LOOKED_UP = new ConcurrentHashMap<>();

    @ServerRequestFilter(preMatching = true)
    public void see(RoutingContext context) {
        Object handler = context.get(QuarkusAuthFailureHandler.KEY);
        SEEN.put(context.normalizedPath(), handler == null ? "none" : handler);
        Object template = ((HttpServerRequestInternal) context.request()).context().getLocal("UrlPathTemplate");
        ROUTE_LOOKED_UP.put(context.normalizedPath(), template != null);
    }
}
