/**
 * Webhooks: a tenant's subscriptions to its events (people's routes, the SSRF guard on their
 * URLs, their signing secrets) and the deliveries of events to them, which this package alone
 * writes: the fan-out that turns numbered events into deliveries, the replicas' claims on due
 * deliveries, and the recorded outcome of each attempt. Sending them is {@code delivery}'s.
 */
package dev.paddock.webhook;
