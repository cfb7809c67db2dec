package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void doublesFromOneSecondUpToThirtyWithJitterInTheUpperHalfNeverUnderOneSecond() {
        Backoff lowest = new Backoff(() -> 0.0);
        assertThat(lowest.next()).isEqualTo(Duration.ofMillis(1000));
        assertThat(lowest.next()).isEqualTo(Duration.ofMillis(1000));
        assertThat(lowest.next()).isEqualTo(Duration.ofMillis(2000));
        Backoff highest = new Backoff(() -> 0.999999);
        assertThat(highest.next().toMillis()).isBetween(999L, 1000L);
        assertThat(highest.next().toMillis()).isBetween(1999L, 2000L);
        for (int i = 0; i < 40; i++) {
            assertThat(highest.next()).isLessThanOrEqualTo(Backoff.MOST);
        }
        assertThat(highest.next().toMillis()).isBetween(29_999L, 30_000L);
    }

    @Test
    void aSuccessStartsOverAndRetryAfterIsAFloor() {
        Backoff backoff = new Backoff(() -> 0.0);
        backoff.next();
        backoff.next();
        backoff.next();
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.next(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(backoff.next(null)).isEqualTo(Duration.ofMillis(2000));
    }
}
