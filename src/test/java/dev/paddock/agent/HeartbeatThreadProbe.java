package dev.paddock.agent;

import io.quarkus.runtime.BlockingOperationControl;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only: for each runner token, whether its last request went on to its resource on an event
 * loop (after the access filter: the thread the resource runs on).
 */
public class HeartbeatThreadProbe {

    static final Map<String, Boolean> ON_EVENT_LOOP = new ConcurrentHashMap<>();

    @ServerRequestFilter(priority = Priorities.USER + 100)
    public void see(ContainerRequestContext request) {
        String token = request.getHeaderString("X-Runner-Token");
        if (token != null) {
            ON_EVENT_LOOP.put(token, !BlockingOperationControl.isBlockingAllowed());
        }
    }
}
