/**
 * The dispatch core. {@link dev.paddock.dispatch.DispatchStore} is the only code that changes a
 * job's status, lease, attempt, holders, timings or outcome; {@link dev.paddock.dispatch.JobStatus}
 * states the transitions it may make; {@link dev.paddock.dispatch.JobSweeper} runs the timed ones.
 * Its transitions wake waiters through the signal bus and count runners' slots with the runner
 * store's fragments. Whether a runner can take work is the schema's {@code runners.free_slots}
 * (migration V1.4.0).
 */
package dev.paddock.dispatch;
