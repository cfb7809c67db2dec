package dev.paddock.event;

import dev.paddock.common.Batcher;
import dev.paddock.db.SchemaAtStart;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Numbers committed events every {@value #EVERY_MILLIS} ms on every replica (one numbering at a
 * time across them, {@link EventStore#numberCommitted}), so an event is readable well within a
 * second of its commit, and one a replica left unnumbered when it died is numbered by the others.
 */
@ApplicationScoped
public class EventSequencer {

    private static final Logger LOG = Logger.getLogger(EventSequencer.class);
    static final long EVERY_MILLIS = 100;

    @Inject
    EventStore store;

    @Inject
    SchemaAtStart schema;

    @Inject
    Event<EventsNumbered> numbered;

    private volatile Batcher<Boolean> loop;
    private volatile boolean failing;

    void start(@Observes StartupEvent event) {
        schema.whenCurrent(() -> loop = Batcher.repeating("paddock-event-numbers", Duration.ofMillis(EVERY_MILLIS),
                this::number));
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }

    /**
     * Numbers every event committed before this call now, without waiting for the next round (it
     * waits for a numbering under way on another replica): what a reader that must know the newest
     * event of this moment calls first.
     */
    public void numberNow() {
        int count = 0;
        for (int batch = store.numberCommitted(); batch > 0; batch = store.numberCommitted()) {
            count += batch; // a full batch may have left more
        }
        if (count > 0) {
            numbered.fire(new EventsNumbered(count));
        }
    }

    private void number() {
        try {
            numberNow();
            if (failing) {
                LOG.info("Events are numbered again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("Events not numbered (%s); trying again every %d ms", e.getMessage(), EVERY_MILLIS);
                failing = true;
            }
        }
    }
}
