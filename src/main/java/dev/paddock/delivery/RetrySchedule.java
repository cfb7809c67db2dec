package dev.paddock.delivery;

import java.time.Duration;
import java.util.List;

/** When a failed delivery is attempted again: the configured waits, one per retry. */
final class RetrySchedule {

    private RetrySchedule() {
    }

    /** The wait before the attempt after {@code failedAttempts} failed ones; null after the last retry. */
    static Duration after(List<Duration> schedule, int failedAttempts) {
        return failedAttempts <= schedule.size() ? schedule.get(failedAttempts - 1) : null;
    }
}
