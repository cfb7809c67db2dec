package dev.paddock.runner;

/**
 * How readers of {@code runners} tell a runner's state for the queue: one owner for a job's
 * waiting reason and the queue's gauges. Unqualified: the statement's runners are the only
 * relation with these columns.
 */
public final class RunnerPredicates {

    /** Can take a job now: the column every claim reads. */
    public static final String TAKES_WORK = "free_slots > 0";

    /**
     * In service but with no slot free: busy, or an ephemeral runner that has claimed its one job
     * (its status says online, its slots are gone).
     */
    public static final String BUSY = "status IN ('online', 'busy') AND free_slots = 0";

    private RunnerPredicates() {
    }
}
