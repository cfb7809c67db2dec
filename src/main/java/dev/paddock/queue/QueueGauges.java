package dev.paddock.queue;

import dev.paddock.db.SchemaAtStart;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Queue figures as Prometheus gauges per label set (tag {@code labels}, comma-joined), refreshed
 * every {@code PADDOCK_QUEUE_GAUGES_INTERVAL}, so an autoscaler (KEDA, HPA) can size runner pools.
 * Every replica reports the same database-wide figures: aggregate with max(), not sum().
 */
@ApplicationScoped
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    @Inject
    MeterRegistry registry;

    @Inject
    QueueSnapshot snapshot;

    private MultiGauge queued;
    private MultiGauge oldestWait;
    private MultiGauge running;
    private MultiGauge available;
    private MultiGauge busy;
    private MultiGauge waitP50;
    private MultiGauge waitP95;

    @PostConstruct
    void init() {
        queued = MultiGauge.builder("paddock_queue_jobs_queued").description("Queued jobs per label set").register(registry);
        oldestWait = MultiGauge.builder("paddock_queue_oldest_wait_seconds").description("Wait of the oldest queued job").register(registry);
        running = MultiGauge.builder("paddock_queue_jobs_running").description("Running jobs per label set").register(registry);
        available = MultiGauge.builder("paddock_queue_runners_available").description("Runners that could take such a job now").register(registry);
        busy = MultiGauge.builder("paddock_queue_runners_busy").description("Matching runners that are full").register(registry);
        waitP50 = MultiGauge.builder("paddock_queue_wait_p50_seconds")
                .description("Median wait (queued to claimed) of the jobs claimed in the last hour").register(registry);
        waitP95 = MultiGauge.builder("paddock_queue_wait_p95_seconds")
                .description("95th percentile wait (queued to claimed) of the jobs claimed in the last hour").register(registry);
    }

    @Scheduled(every = "${paddock.queue.gauges-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = SchemaAtStart.Pending.class)
    void refresh() {
        try {
            List<QueueSnapshot.Entry> entries = snapshot.take(null);
            register(queued, entries, QueueSnapshot.Entry::queued, 1);
            register(oldestWait, entries, QueueSnapshot.Entry::oldestWaitMs, 1000);
            register(running, entries, QueueSnapshot.Entry::running, 1);
            register(available, entries, QueueSnapshot.Entry::runnersAvailable, 1);
            register(busy, entries, QueueSnapshot.Entry::runnersBusy, 1);
            register(waitP50, entries, QueueSnapshot.Entry::waitP50Ms);
            register(waitP95, entries, QueueSnapshot.Entry::waitP95Ms);
        } catch (RuntimeException e) {
            LOG.warnf("Queue gauges not refreshed (%s)", e.getClass().getSimpleName());
        }
    }

    /** Seconds, for the label sets that have a figure (a wait over no job has none). */
    private static void register(MultiGauge gauge, List<QueueSnapshot.Entry> entries,
                                 java.util.function.Function<QueueSnapshot.Entry, Long> millis) {
        gauge.register(entries.stream().filter(entry -> millis.apply(entry) != null).map(entry -> MultiGauge.Row.of(
                Tags.of("labels", String.join(",", entry.labels())), millis.apply(entry) / 1000.0)).toList(), true);
    }

    private static void register(MultiGauge gauge, List<QueueSnapshot.Entry> entries,
                                 ToLongFunction<QueueSnapshot.Entry> value, double divisor) {
        gauge.register(entries.stream().map(entry -> MultiGauge.Row.of(
                Tags.of("labels", String.join(",", entry.labels())),
                value.applyAsLong(entry) / divisor)).toList(), true);
    }
}
