package dev.paddock.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.Person;
import dev.paddock.common.SseSending;
import dev.paddock.db.Transactions;
import dev.paddock.event.EventSequencer;
import dev.paddock.signal.Signals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A tenant's events live over Server-Sent Events, on a virtual thread: from after the newest event
 * when the stream opens (or after {@code Last-Event-ID}), each event as soon as it is numbered on
 * any replica (the sequencer's NOTIFY wakes the stream, which then reads the feed on), and a
 * keep-alive comment when quiet. Between reads it holds no connection.
 */
@ApplicationScoped
public class EventStream {

    private static final Logger LOG = Logger.getLogger(EventStream.class);

    private static final long KEEP_ALIVE_SECONDS = 15;
    private static final int BATCH = 500;
    private static final String NEWEST = "SELECT coalesce(max(sequence), 0) FROM events WHERE tenant = ?";

    @Inject
    EventFeed feed;

    @Inject
    EventSequencer sequencer;

    @Inject
    Signals signals;

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    /**
     * The sequence of the tenant's newest event, where a stream without Last-Event-ID starts: the
     * events committed before are numbered first, or one still without its number would be
     * streamed as if it came after.
     */
    public long newest(String tenant) {
        sequencer.numberNow();
        return transactions.run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(NEWEST)) {
                select.setString(1, tenant);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    public void stream(Person person, long after, List<String> types, SseEventSink sink, Sse sse) {
        String topic = Signals.eventsTopic(person.tenant());
        long next = after;
        try (sink) {
            // answers the request at once (headers and a comment), events or not
            SseSending.send(sink, sse.newEventBuilder().comment("events after " + after).build());
            while (!sink.isClosed()) {
                CompletableFuture<Void> signal = signals.await(topic);
                try {
                    EventFeed.Page page;
                    do {
                        page = feed.after(person, next, types, BATCH);
                        for (Map<String, Object> event : page.events()) {
                            SseSending.send(sink, sse.newEventBuilder().id((String) event.get("sequence"))
                                    .name((String) event.get("type")).data(json.writeValueAsString(event)).build());
                        }
                        next = page.nextAfter();
                    } while (page.events().size() == BATCH);
                    if (signals.stopping()) {
                        return;
                    }
                    SseSending.awaitOrKeepAlive(signal, KEEP_ALIVE_SECONDS, sink, sse);
                } finally {
                    signals.forget(topic, signal);
                }
            }
        } catch (SseSending.ClientGone | InterruptedException | ExecutionException | JsonProcessingException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } catch (Transactions.StatementFailed e) {
            // the answer has begun: the stream ends, and the client resumes after its Last-Event-ID
            LOG.warnf("An event stream ended: the database could not be read (%s)", e.getMessage());
        }
    }
}
