package dev.paddock.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PositiveDurationsTest {

    @Test
    void aDurationOfZeroOrLessIsNamedWithItsValue() {
        Map<String, Duration> durations = new LinkedHashMap<>();
        durations.put("PADDOCK_JOBS_LEASE", Duration.ZERO);
        durations.put("PADDOCK_RUNNERS_OFFLINE_AFTER", Duration.ofSeconds(-5));
        durations.put("PADDOCK_JOBS_SWEEP_INTERVAL", Duration.ofMillis(500));
        assertThat(PositiveDurations.notPositive(durations))
                .containsExactly("PADDOCK_JOBS_LEASE (PT0S)", "PADDOCK_RUNNERS_OFFLINE_AFTER (PT-5S)");
    }
}
