package dev.paddock.delivery;

import dev.paddock.common.PaddockConfig;
import dev.paddock.webhook.UrlGuard;
import dev.paddock.webhook.WebhookSecrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One HTTP attempt of a delivery: {@code POST} to the address the guard checked (the URL's host
 * only names it, for the {@code Host} header and TLS), no redirect followed, the whole exchange
 * within the configured timeout, the answer read up to {@value #MAX_READ} bytes and kept up to
 * {@value #MAX_KEPT}.
 */
@ApplicationScoped
public class WebhookSender {

    static final int MAX_READ = 64 * 1024;
    static final int MAX_KEPT = 1024;

    /** How an attempt ended: a 2xx is delivered; {@code error} says what went wrong otherwise. */
    public record Attempt(boolean delivered, Integer statusCode, String error, String response, int durationMs) {
    }

    @Inject
    Vertx vertx;

    @Inject
    PaddockConfig config;

    private HttpClient client;

    @PostConstruct
    void init() {
        long timeout = config.webhooks().timeout().toMillis();
        client = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout))
                        .setKeepAlive(true).setKeepAliveTimeout(30)
                        .setVerifyHost(true).setForceSni(true)
                        .setDecompressionSupported(false)
                        .setMaxRedirects(0))
                .with(new PoolOptions().setHttp1MaxSize(Math.max(1, config.webhooks().concurrency())))
                // a receiver's garbage fails its attempt (recorded there); the connection's own
                // report of it would be an ERROR line in the service log for a stranger's bytes
                .withConnectHandler(connection -> connection.exceptionHandler(ignored -> { }))
                .build();
    }

    void stop(@Observes ShutdownEvent event) {
        client.close();
    }

    /**
     * Where attempts to {@code url} go: the URL checked again after resolving it, at the time of
     * sending (a follower resolves it once for its window of attempts, not once each).
     */
    public record Destination(UrlGuard.Target target, String refused) {
    }

    public Destination destination(String url) {
        try {
            return new Destination(UrlGuard.target(url, config.webhooks().allowPrivateNetworks(), UrlGuard.SYSTEM), null);
        } catch (UrlGuard.Refused refused) {
            return new Destination(null, "not sent: the URL " + refused.getMessage());
        }
    }

    /**
     * One attempt of an event's delivery to a URL, as
     * {@link #send(Destination, WebhookSecrets.Signer, UUID, byte[])} to its destination.
     */
    public Attempt send(String url, List<String> keys, UUID eventId, String body) {
        return send(destination(url), WebhookSecrets.signer(keys), eventId, body.getBytes(StandardCharsets.UTF_8)).join();
    }

    /**
     * One attempt of an event's delivery: the body (UTF-8, signed and sent as it is) signed by the
     * signer's keys as Standard Webhooks says (on the calling thread), sent to the checked address
     * (not sent to a refused one).
     * Answers at once; the attempt ends on an event loop, within the configured timeout, never
     * exceptionally.
     */
    public CompletableFuture<Attempt> send(Destination destination, WebhookSecrets.Signer signer, UUID eventId,
                                           byte[] body) {
        if (destination.target() == null) {
            return CompletableFuture.completedFuture(new Attempt(false, null, destination.refused(), null, 0));
        }
        long timestamp = System.currentTimeMillis() / 1000;
        String id = eventId.toString();
        RequestOptions options = new RequestOptions()
                .putHeader("Content-Type", "application/cloudevents+json")
                .putHeader("User-Agent", "Paddock-Webhooks")
                .putHeader("webhook-id", id)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signer.sign(id, timestamp, body));
        return send(destination.target(), options, body);
    }

    /** What an attempt came to when the event it would send is no longer kept. */
    static Attempt eventGone() {
        return new Attempt(false, null, "the event is no longer kept (PADDOCK_EVENTS_RETENTION)", null, 0);
    }

    private CompletableFuture<Attempt> send(UrlGuard.Target target, RequestOptions options, byte[] body) {
        long timeout = config.webhooks().timeout().toMillis();
        long started = System.nanoTime();
        CompletableFuture<Attempt> ended = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        options.setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setHost(target.host()).setPort(target.port()).setSsl(target.https()).setURI(target.pathAndQuery())
                // the whole attempt's deadline is the timer below: no idle timeout of Vert.x's own races it
                .setFollowRedirects(false).setConnectTimeout(timeout);
        long deadline = vertx.setTimer(timeout, fired -> {
            if (ended.complete(ended(started, false, null, "no answer within " + timeout + " ms", null))) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        client.request(options).compose(request -> {
            sent.set(request);
            return request.send(Buffer.buffer(body)).compose(response -> {
                Promise<Attempt> read = Promise.promise();
                Buffer answer = Buffer.buffer();
                response.handler(chunk -> {
                    if (answer.length() + chunk.length() > MAX_READ) {
                        read.tryComplete(ended(started, false, response.statusCode(),
                                "the answer is larger than 64 KiB", answer));
                        request.reset();
                    } else {
                        answer.appendBuffer(chunk);
                    }
                });
                response.exceptionHandler(read::tryFail);
                response.endHandler(done -> {
                    int status = response.statusCode();
                    boolean delivered = status >= 200 && status < 300;
                    String error = delivered ? null : status >= 300 && status < 400
                            ? "answered " + status + " (a redirect, not followed)" : "answered " + status;
                    read.tryComplete(ended(started, delivered, status, error, answer));
                });
                return read.future();
            });
        }).onComplete(attempt -> {
            vertx.cancelTimer(deadline);
            ended.complete(attempt.succeeded() ? attempt.result()
                    : ended(started, false, null, describe(attempt.cause()), null));
        });
        return ended;
    }

    private static Attempt ended(long started, boolean delivered, Integer status, String error, Buffer answer) {
        String kept = null;
        if (answer != null && answer.length() > 0) {
            byte[] bytes = answer.getBytes(0, Math.min(answer.length(), MAX_KEPT));
            kept = new String(bytes, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        }
        int duration = (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return new Attempt(delivered, status, error, kept, duration);
    }

    /** What went wrong, in a line: the failure's type and message, never more. */
    private static String describe(Throwable failure) {
        String message = failure == null ? null : failure.getMessage();
        String type = failure == null ? "failure" : failure.getClass().getSimpleName();
        String line = message == null ? type : type + ": " + message;
        return line.length() > 500 ? line.substring(0, 500) : line;
    }
}
