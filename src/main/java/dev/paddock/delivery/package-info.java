/**
 * Sending webhook deliveries: every replica follows the numbered events into deliveries, claims
 * the due ones, renders each event once, signs it and sends it with a bounded pool and a deadline,
 * then records how the attempt ended ({@code webhook} writes all of it).
 */
package dev.paddock.delivery;
