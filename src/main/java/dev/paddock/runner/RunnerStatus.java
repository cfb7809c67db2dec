package dev.paddock.runner;

import java.util.Set;

/** Runner statuses and how the one people see follows from what is stored. */
public final class RunnerStatus {

    public static final String ONLINE = "online";
    public static final String BUSY = "busy";
    public static final String DRAINING = "draining";
    public static final String OFFLINE = "offline";
    public static final Set<String> ALL = Set.of(ONLINE, BUSY, DRAINING, OFFLINE);

    private RunnerStatus() {
    }

    /** Mirrors the generated column {@code runners.status} (migration V1.3.0). */
    public static String derive(String reported, boolean drainRequested, int activeJobs, int maxConcurrency) {
        if (OFFLINE.equals(reported)) {
            return OFFLINE;
        }
        if (drainRequested || DRAINING.equals(reported)) {
            return DRAINING;
        }
        if (BUSY.equals(reported) || activeJobs >= maxConcurrency) {
            return BUSY;
        }
        return ONLINE;
    }
}
