/**
 * Jobs for people: enqueue, cancel and retry, the lists, a job's detail with why it waits, and the
 * statistics. State changes are asked of the dispatch core, never made here.
 */
package dev.paddock.job;
