package dev.paddock.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP receiver on loopback for webhook tests: records every request it gets and answers
 * the n-th (from 1) as {@code answer} says.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** What the receiver got. Header names lower-case. */
    public record Received(Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** How to answer one request: a status, a body, and how long to wait first. */
    public record Answer(int status, String body, long delayMillis, Map<String, String> headers) {
        public static Answer status(int status) {
            return new Answer(status, "", 0, Map.of());
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntFunction<Answer> answer;

    private WebhookReceiver(IntFunction<Answer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver answering every request 200. */
    public static WebhookReceiver start() throws IOException {
        return start(n -> Answer.status(200));
    }

    public static WebhookReceiver start(IntFunction<Answer> answer) throws IOException {
        return new WebhookReceiver(answer);
    }

    public void answer(IntFunction<Answer> answer) {
        this.answer = answer;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Received> received() {
        return received;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(headers, body));
            Answer reply = answer.apply(count.incrementAndGet());
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
