/**
 * The service's one signal bus, PostgreSQL LISTEN/NOTIFY: {@link dev.paddock.signal.Signals}
 * declares the channels, listens on one connection per replica, wakes waiters and tells listeners;
 * {@link dev.paddock.signal.SignalSender} is the only code that sends a NOTIFY;
 * {@link dev.paddock.signal.ListeningReadiness} reports the replica not ready while it cannot hear.
 */
package dev.paddock.signal;
