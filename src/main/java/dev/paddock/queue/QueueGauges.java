package dev.paddock.queue;

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
 * on the sweep period, so an autoscaler (KEDA, HPA) can size runner pools. Every replica reports
 * the same database-wide figures: aggregate with max(), not sum().
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

    @PostConstruct
    void init() {
        queued = MultiGauge.builder("paddock_queue_jobs_queued").description("Queued jobs per label set").register(registry);
        oldestWait = MultiGauge.builder("paddock_queue_oldest_wait_seconds").description("Wait of the oldest queued job").register(registry);
        running = MultiGauge.builder("paddock_queue_jobs_running").description("Running jobs per label set").register(registry);
        available = MultiGauge.builder("paddock_queue_runners_available").description("Runners that could take such a job now").register(registry);
        busy = MultiGauge.builder("paddock_queue_runners_busy").description("Matching runners that are full").register(registry);
    }

    @Scheduled(every = "${paddock.jobs.sweep-interval}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            List<QueueSnapshot.Entry> entries = snapshot.take(null);
            register(queued, entries, QueueSnapshot.Entry::queued, 1);
            register(oldestWait, entries, QueueSnapshot.Entry::oldestWaitMs, 1000);
            register(running, entries, QueueSnapshot.Entry::running, 1);
            register(available, entries, QueueSnapshot.Entry::runnersAvailable, 1);
            register(busy, entries, QueueSnapshot.Entry::runnersBusy, 1);
        } catch (RuntimeException e) {
            LOG.warnf("Queue gauges not refreshed (%s)", e.getClass().getSimpleName());
        }
    }

    private static void register(MultiGauge gauge, List<QueueSnapshot.Entry> entries,
                                 ToLongFunction<QueueSnapshot.Entry> value, double divisor) {
        gauge.register(entries.stream().map(entry -> MultiGauge.Row.of(
                Tags.of("labels", String.join(",", entry.labels())),
                value.applyAsLong(entry) / divisor)).toList(), true);
    }
}
