package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A runner's log calls stay within the service's rate limit (120 a minute) however many jobs it runs. */
class FlushIntervalTest {

    @Test
    void oneJobFlushesAsConfiguredAndMoreShareTheRunnersBudget() {
        Duration second = Duration.ofSeconds(1);
        assertThat(JobExecution.flushInterval(second, 0)).isEqualTo(second);
        assertThat(JobExecution.flushInterval(second, 1)).isEqualTo(second);
        assertThat(JobExecution.flushInterval(second, 2)).isEqualTo(Duration.ofMillis(1_500));
        assertThat(JobExecution.flushInterval(second, 5)).isEqualTo(Duration.ofMillis(3_750));
        for (int running = 1; running <= 50; running++) {
            double callsAMinute = running * 60_000.0 / JobExecution.flushInterval(second, running).toMillis();
            assertThat(callsAMinute).as("%d jobs", running).isLessThanOrEqualTo(80.0);
        }
        assertThat(JobExecution.flushInterval(Duration.ofMillis(200), 1)).isEqualTo(Duration.ofMillis(200));
    }
}
