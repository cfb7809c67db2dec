package dev.paddock.auth;

import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test-only: the authentication-failure handler each path's last request reached the resources with. */
public class AuthFailureHandlerProbe {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @ServerRequestFilter(preMatching = true)
    public void see(RoutingContext context) {
        Object handler = context.get(QuarkusAuthFailureHandler.KEY);
        SEEN.put(context.normalizedPath(), handler == null ? "none" : handler);
    }
}
