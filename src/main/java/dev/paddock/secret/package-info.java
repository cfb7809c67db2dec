/**
 * Job secrets at rest: the one cipher that seals them on enqueue and opens them for the runner
 * holding the job and for masking its log lines.
 */
package dev.paddock.secret;
