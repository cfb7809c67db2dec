/**
 * Sending webhook deliveries: one replica at a time follows each webhook through the numbered
 * events and makes their first attempts a window at a time; every replica claims the due retries
 * and people's deliveries. Each event is rendered once, signed and sent with a bounded pool and a
 * deadline, and how the attempts ended is recorded ({@code webhook} writes all of it).
 */
package dev.paddock.delivery;
