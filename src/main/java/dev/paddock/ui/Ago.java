package dev.paddock.ui;

import java.time.Duration;
import java.time.Instant;

/** "12 s ago", "3 min ago", "5 h ago", "2 d ago"; "never" for no time. */
final class Ago {

    private Ago() {
    }

    static String since(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        if (seconds < 120) {
            return seconds + " s ago";
        }
        if (seconds < 7_200) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 172_800) {
            return seconds / 3_600 + " h ago";
        }
        return seconds / 86_400 + " d ago";
    }
}
