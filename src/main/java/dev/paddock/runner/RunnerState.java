package dev.paddock.runner;

/**
 * How statements tell a runner's state: one owner for the status people see, the slots a claim
 * may take, a job's waiting reason and the queue's gauges. The schema derives status and free slots
 * from the row when read ({@code runner_status}, {@code runner_free_slots}, V1.21.0); every statement
 * that uses these names its runners {@code r}.
 */
public final class RunnerState {

    /** The status people see: online, busy, draining or offline. */
    public static final String STATUS = "runner_status(r)";

    /** How many jobs a claim may take now: the one rule of capacity. */
    public static final String FREE_SLOTS = "runner_free_slots(r)";

    /** Every column of a runner as read: its row and the two derived from it. */
    public static final String COLUMNS = "r.*, " + STATUS + " AS status, " + FREE_SLOTS + " AS free_slots";

    /** Can take a job now: what every claim reads. */
    public static final String TAKES_WORK = FREE_SLOTS + " > 0";

    /**
     * In service but with no slot free: busy, or an ephemeral runner that has claimed its one job
     * (its status says online, its slots are gone).
     */
    public static final String BUSY = STATUS + " IN ('online', 'busy') AND " + FREE_SLOTS + " = 0";

    private RunnerState() {
    }
}
