/**
 * A job's log: the writer that numbers, deduplicates and masks the lines a runner sends, the
 * reader people page through, and the live Server-Sent Events stream.
 */
package dev.paddock.joblog;
