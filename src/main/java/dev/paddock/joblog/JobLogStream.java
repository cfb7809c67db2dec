package dev.paddock.joblog;

import dev.paddock.common.SseSending;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.db.Transactions;
import dev.paddock.signal.Signals;
import dev.paddock.dispatch.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams a job's log over Server-Sent Events on a virtual thread: the backlog after the last
 * event id, then each new batch as its NOTIFY arrives from any replica, a keep-alive comment when
 * quiet, and {@code event: end} once the job is final. Between batches it holds no connection.
 */
@ApplicationScoped
public class JobLogStream {

    private static final Logger LOG = Logger.getLogger(JobLogStream.class);

    private static final long KEEP_ALIVE_SECONDS = 15;
    private static final int BATCH = 500;

    @Inject
    JobLogReader reader;

    @Inject
    Signals signals;

    @Inject
    ObjectMapper json;

    public void stream(String tenant, UUID jobId, Long lastEventId, SseEventSink sink, Sse sse) {
        long after = lastEventId == null ? 0 : lastEventId;
        String topic = Signals.jobTopic(jobId);
        try (sink) {
            // answers the request at once (headers and a comment), lines or not: a caught-up reader
            // waiting for the next line must not wait for its headers too
            SseSending.send(sink, sse.newEventBuilder().comment("lines after " + after).build());
            while (!sink.isClosed()) {
                CompletableFuture<Void> signal = signals.await(topic);
                try {
                    boolean finalBefore = JobStatus.isFinal(status(tenant, jobId));
                    List<JobLogReader.LogLine> lines;
                    do {
                        lines = reader.read(jobId, after, null, null, BATCH);
                        for (JobLogReader.LogLine line : lines) {
                            // unnamed events, so EventSource.onmessage sees every line; only the end is named
                            SseSending.send(sink, sse.newEventBuilder().id(Long.toString(line.seq()))
                                    .data(json.writeValueAsString(line)).build());
                            after = line.seq();
                        }
                    } while (lines.size() == BATCH);
                    if (finalBefore) {
                        SseSending.send(sink, sse.newEventBuilder().name("end").data(json.writeValueAsString(
                                java.util.Map.of("job_id", jobId, "status", status(tenant, jobId)))).build());
                        return;
                    }
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
            LOG.warnf("A job's log stream ended: the database could not be read (%s)", e.getMessage());
        }
    }

    private String status(String tenant, UUID jobId) {
        return reader.statusOf(tenant, jobId);
    }
}
