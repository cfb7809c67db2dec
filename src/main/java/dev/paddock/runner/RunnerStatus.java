package dev.paddock.runner;

import java.util.Set;

/** Runner statuses; the one people see is derived by the schema ({@link RunnerState#STATUS}). */
public final class RunnerStatus {

    public static final String ONLINE = "online";
    public static final String BUSY = "busy";
    public static final String DRAINING = "draining";
    public static final String OFFLINE = "offline";
    public static final Set<String> ALL = Set.of(ONLINE, BUSY, DRAINING, OFFLINE);

    private RunnerStatus() {
    }
}
