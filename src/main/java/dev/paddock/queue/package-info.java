/** The queue by label set, for people (/api/queue) and autoscalers (Prometheus gauges). */
package dev.paddock.queue;
