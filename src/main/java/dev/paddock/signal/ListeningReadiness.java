package dev.paddock.signal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica whose LISTEN connection is down would let long polls and log streams wait out their
 * whole time: it is not ready until the connection is back.
 */
@Readiness
@ApplicationScoped
public class ListeningReadiness implements HealthCheck {

    @Inject
    Signals signals;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("wake-up signals").status(signals.listening()).build();
    }
}
