package dev.paddock.common;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.CompletableFuture;
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

    /**
     * Waits up to {@code seconds} for {@code signal}; sends a keep-alive comment when none came, so
     * proxies keep the stream open and a client that left is noticed.
     */
    public static void awaitOrKeepAlive(CompletableFuture<Void> signal, long seconds, SseEventSink sink, Sse sse)
            throws InterruptedException, ExecutionException, ClientGone {
        try {
            signal.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            send(sink, sse.newEventBuilder().comment("keep-alive").build());
        }
    }

    /** The client went away: stop streaming quietly. */
    public static final class ClientGone extends Exception {
        ClientGone() {
            super(null, null, false, false);
        }
    }
}
