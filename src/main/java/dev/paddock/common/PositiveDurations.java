package dev.paddock.common;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service does not start with a period or duration of zero or less: a lease of 0 s requeues
 * every job as it is claimed, an offline-after of -5 s marks every runner offline after each
 * heartbeat. A value that does not parse already stops the start (SmallRye Config).
 */
@ApplicationScoped
public class PositiveDurations {

    @Inject
    PaddockConfig config;

    /** Before everything else at start, the schema included. */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 2) StartupEvent event) {
        List<String> wrong = notPositive(durations(config));
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("Paddock cannot start: " + String.join(", ", wrong)
                    + " must be longer than 0 (written like 90s, 2m, 500ms)");
        }
    }

    /** Each duration setting by the environment variable that sets it. */
    static Map<String, Duration> durations(PaddockConfig config) {
        Map<String, Duration> durations = new LinkedHashMap<>();
        durations.put("PADDOCK_RUNNERS_OFFLINE_AFTER", config.runners().offlineAfter());
        durations.put("PADDOCK_RUNNERS_EPHEMERAL_IDLE", config.runners().ephemeralIdle());
        durations.put("PADDOCK_JOBS_LEASE", config.jobs().lease());
        durations.put("PADDOCK_JOBS_SWEEP_INTERVAL", config.jobs().sweepInterval());
        durations.put("PADDOCK_QUEUE_GAUGES_INTERVAL", config.queue().gaugesInterval());
        durations.put("PADDOCK_EVENTS_RETENTION", config.events().retention());
        durations.put("PADDOCK_WEBHOOKS_DISABLE_AFTER", config.webhooks().disableAfter());
        durations.put("PADDOCK_WEBHOOKS_TIMEOUT", config.webhooks().timeout());
        return durations;
    }

    /** The settings whose value is zero or negative, each as {@code NAME (value)}. */
    static List<String> notPositive(Map<String, Duration> durations) {
        List<String> wrong = new ArrayList<>();
        durations.forEach((name, value) -> {
            if (value.isZero() || value.isNegative()) {
                wrong.add(name + " (" + value + ")");
            }
        });
        return wrong;
    }
}
