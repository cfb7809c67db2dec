package dev.paddock.common;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps leave the service as ISO-8601 UTC with millisecond precision. */
public final class Times {

    private Times() {
    }

    public static Instant out(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
