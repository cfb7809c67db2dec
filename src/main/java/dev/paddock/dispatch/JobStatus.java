package dev.paddock.dispatch;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The job state machine: queued, then running, then one of the final four. {@link #next()} is the
 * whole list of allowed transitions; the guard of each transition's SQL lists the statuses it may
 * move a job from, and {@code DispatchGuardsTest} holds every guard to this enum, so the SQL
 * cannot allow what this enum does not.
 */
public enum JobStatus {
    QUEUED, RUNNING, SUCCESS, FAILURE, CANCELLED, TIMEOUT;

    public static final Set<String> WIRE_NAMES = Arrays.stream(values()).map(JobStatus::wire)
            .collect(Collectors.toUnmodifiableSet());

    private Set<JobStatus> next;

    static {
        QUEUED.next = EnumSet.of(RUNNING, CANCELLED);
        // back to QUEUED when the lease runs out or the runner leaves with attempts left
        RUNNING.next = EnumSet.of(QUEUED, SUCCESS, FAILURE, CANCELLED, TIMEOUT);
        SUCCESS.next = EnumSet.noneOf(JobStatus.class);
        FAILURE.next = EnumSet.noneOf(JobStatus.class);
        CANCELLED.next = EnumSet.noneOf(JobStatus.class);
        TIMEOUT.next = EnumSet.noneOf(JobStatus.class);
    }

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Set<JobStatus> next() {
        return next;
    }

    public boolean isFinal() {
        return next.isEmpty();
    }

    public boolean canBecome(JobStatus target) {
        return next.contains(target);
    }

    public static JobStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public static boolean isFinal(String wire) {
        return of(wire).isFinal();
    }

    /** {@code 'queued', 'running'}: the statuses allowed to become {@code target}, as an SQL list. */
    static String sqlSourcesOf(JobStatus target) {
        return Arrays.stream(values()).filter(status -> status.canBecome(target))
                .map(status -> "'" + status.wire() + "'").collect(Collectors.joining(", "));
    }
}
