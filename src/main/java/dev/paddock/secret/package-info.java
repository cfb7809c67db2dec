/**
 * Job secrets at rest: the one cipher that seals them on enqueue and opens them for the runner
 * holding the job, and the masking of their values in its log lines and final report.
 */
package dev.paddock.secret;
