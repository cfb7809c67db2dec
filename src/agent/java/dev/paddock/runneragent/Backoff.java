package dev.paddock.runneragent;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next try after an error: doubling from 1 s up to 30 s, each wait
 * drawn at random from its upper half ("equal jitter"), never under 1 s, so a fleet that lost the
 * service does not come back in one wave. One success resets it.
 */
final class Backoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MOST = Duration.ofSeconds(30);

    private final DoubleSupplier random;
    private int failures;

    Backoff(DoubleSupplier random) {
        this.random = random;
    }

    Backoff() {
        this(Math::random);
    }

    /** The wait after one more failure. */
    Duration next() {
        long ceiling = Math.min(MOST.toMillis(), FIRST.toMillis() << Math.min(failures, 20));
        failures++;
        long half = Math.max(FIRST.toMillis(), ceiling / 2);
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
    }

    /** The wait after one more failure, but never shorter than what the service asked for. */
    Duration next(Duration atLeast) {
        Duration wait = next();
        return atLeast != null && atLeast.compareTo(wait) > 0 ? atLeast : wait;
    }

    void reset() {
        failures = 0;
    }
}
