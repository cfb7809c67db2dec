/**
 * The {@code events} table and its one writer, {@link dev.paddock.event.EventStore}: the fragments
 * with which the owners of each state change write its event in the change's own statement, and
 * the numbering after commit ({@link dev.paddock.event.EventSequencer}) that lets a reader follow
 * the feed without ever skipping an event.
 */
package dev.paddock.event;
