package dev.paddock.common;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sending on a Server-Sent Events stream from a virtual thread, waiting for each event to leave. */
public final class SseSending {

    private SseSending() {
    }

    /** Sends {@code event}; {@link ClientGone} when the client went away or stopped reading for 30 s. */
    public static void send(SseEventSink sink, OutboundSseEvent event) throws InterruptedException, ClientGone {
        if (sink.isClosed()) {
            throw new ClientGone();
        }
        try {
            sink.send(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ClientGone();
        }
    }

    /** The client went away: stop streaming quietly. */
    public static final class ClientGone extends Exception {
        ClientGone() {
            super(null, null, false, false);
        }
    }
}
