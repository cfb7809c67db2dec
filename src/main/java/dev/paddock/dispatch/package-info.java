/**
 * The dispatch core. {@link dev.paddock.dispatch.DispatchStore} is the only code that changes a
 * job's status, lease, attempt, holders, timings or outcome; {@link dev.paddock.dispatch.JobStatus}
 * states the transitions it may make; {@link dev.paddock.dispatch.JobSignals} carries the wake-ups
 * those transitions send to every replica; {@link dev.paddock.dispatch.JobSweeper} runs the timed
 * ones. Whether a runner can take work is the schema's {@code runners.free_slots} (migration V1.4.0).
 */
package dev.paddock.dispatch;
