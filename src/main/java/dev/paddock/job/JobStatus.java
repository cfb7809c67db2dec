package dev.paddock.job;

import java.util.Set;

/** Job statuses: queued, then running, then one of the final four. */
public final class JobStatus {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String CANCELLED = "cancelled";
    public static final String TIMEOUT = "timeout";
    public static final Set<String> ALL = Set.of(QUEUED, RUNNING, SUCCESS, FAILURE, CANCELLED, TIMEOUT);
    public static final Set<String> FINAL = Set.of(SUCCESS, FAILURE, CANCELLED, TIMEOUT);

    private JobStatus() {
    }

    public static boolean isFinal(String status) {
        return FINAL.contains(status);
    }
}
