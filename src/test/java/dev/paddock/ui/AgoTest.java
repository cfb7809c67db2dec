package dev.paddock.ui;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Times and spans as a fleet owner reads them at a glance. */
class AgoTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void aMomentIsSaidInTheCoarsestUnitThatKeepsTwoDigits() {
        assertThat(Ago.since(null, NOW)).isEqualTo("never");
        assertThat(Ago.since(NOW.minusSeconds(12), NOW)).isEqualTo("12 s ago");
        assertThat(Ago.since(NOW.plusSeconds(3), NOW)).isEqualTo("0 s ago");
        assertThat(Ago.since(NOW.minusSeconds(180), NOW)).isEqualTo("3 min ago");
        assertThat(Ago.since(NOW.minusSeconds(5 * 3_600), NOW)).isEqualTo("5 h ago");
        assertThat(Ago.since(NOW.minusSeconds(3 * 86_400), NOW)).isEqualTo("3 d ago");
    }

    @Test
    void aTimeAheadIsSaidAsHowLongUntilItAndOncePassedAsAgo() {
        assertThat(Ago.relative(NOW.plusSeconds(29 * 86_400 + 100), NOW)).isEqualTo("in 29 d");
        assertThat(Ago.relative(NOW.plusSeconds(90), NOW)).isEqualTo("in 90 s");
        assertThat(Ago.relative(NOW.minusSeconds(180), NOW)).isEqualTo("3 min ago");
        assertThat(Ago.relative(null, NOW)).isEqualTo("never");
    }

    @Test
    void aSpanUnderASecondIsInMillisecondsAndLongerOnesInSecondsMinutesOrHours() {
        assertThat(Ago.span(331)).isEqualTo("331 ms");
        assertThat(Ago.span(2_282)).isEqualTo("2 s");
        assertThat(Ago.span(119_999)).isEqualTo("119 s");
        assertThat(Ago.span(420_000)).isEqualTo("7 min");
        assertThat(Ago.span(3 * 3_600_000L)).isEqualTo("3 h");
    }
}
