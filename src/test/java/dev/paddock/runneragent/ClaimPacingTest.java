package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long poll answered empty at once (a replica stopping releases its polls) is followed by a
 * pause; one that waited, or brought jobs, by the next poll at once.
 */
class ClaimPacingTest {

    @Test
    void onlyAnEmptyAnswerLongBeforeThePollsWaitCallsForAPause() {
        assertThat(Agent.answeredEarlyEmpty(0, Duration.ofMillis(3))).isTrue();
        assertThat(Agent.answeredEarlyEmpty(0, Duration.ofSeconds(14))).isTrue();
        assertThat(Agent.answeredEarlyEmpty(0, Duration.ofSeconds(Agent.CLAIM_WAIT_SECONDS))).isFalse();
        assertThat(Agent.answeredEarlyEmpty(2, Duration.ofMillis(3))).isFalse();
    }
}
