package dev.paddock.ui;

import java.time.Duration;
import java.time.Instant;

/**
 * Times as people read them: "12 s ago", "3 min ago", "5 h ago", "2 d ago" ("never" for no
 * time), "in 29 d" ahead; spans as "340 ms", "42 s", "7 min", "3 h".
 */
final class Ago {

    private Ago() {
    }

    static String since(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        return coarse(Math.max(0, Duration.between(then, now).toSeconds())) + " ago";
    }

    /** A time that may lie ahead (a key's expiry): "in 29 d", or as {@link #since} once it passed. */
    static String relative(Instant then, Instant now) {
        if (then != null && then.isAfter(now)) {
            return "in " + coarse(Duration.between(now, then).toSeconds());
        }
        return since(then, now);
    }

    /** A span: milliseconds under a second, then the coarsest unit that keeps two digits of it. */
    static String span(long millis) {
        return millis < 1_000 ? millis + " ms" : coarse(millis / 1_000);
    }

    private static String coarse(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7_200) {
            return seconds / 60 + " min";
        }
        if (seconds < 172_800) {
            return seconds / 3_600 + " h";
        }
        return seconds / 86_400 + " d";
    }
}
