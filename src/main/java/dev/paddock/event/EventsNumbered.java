package dev.paddock.event;

/** Fired (on the replica that numbered them) after events were numbered and committed: followers read on. */
public record EventsNumbered(int count) {
}
