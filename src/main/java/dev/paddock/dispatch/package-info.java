/**
 * The dispatch core: the only code that changes a job's status, lease, attempt, holders, timings
 * or outcome, each transition SQL judged by the database clock and guarded by the statuses
 * {@link dev.paddock.dispatch.JobStatus} allows. {@link dev.paddock.dispatch.JobClaims} puts jobs
 * in the queue and hands them out; {@link dev.paddock.dispatch.HeldJobs} runs the holding runner's
 * calls; {@link dev.paddock.dispatch.JobReleases} takes jobs from their runner (a person's cancel,
 * a runner leaving) and runs the sweeps (leases, timeouts). All run their statements one way
 * ({@code DispatchSql}), wake waiters through the signal bus and count runners' slots with the
 * runner store's fragments. No two transitions wait on each other in a cycle: jobs are locked
 * before their runner's row, and a claim never waits on a job.
 */
package dev.paddock.dispatch;
