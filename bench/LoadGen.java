import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paddock's multi-step load generator (JDK only; run with {@code java bench/LoadGen.java}).
 *
 * <pre>
 *   lifecycle BASE TENANT RUNNERS CONCURRENCY SECONDS [FIRST]
 *                                                       full job lifecycles/s: enqueue, claim, status,
 *                                                       10 log lines, result; runner i's token is rn_bench_i,
 *                                                       taken in turn from runner FIRST (default 1)
 *   latency ENQUEUE_BASE CLAIM_BASE TENANT FIRST SAMPLES enqueue -> answer of a waiting long poll, in ms;
 *                                                       sample i waits as runner rn_lat_(FIRST + i)
 *   depth BASE TENANT SAMPLES                            enqueue and claim latency, one after the other,
 *                                                       sample i claiming as runner rn_depth_i
 *   logs BASE TENANT WRITERS SECONDS                     log ingestion in lines/s, 200-line batches; writer i
 *                                                       is runner rn_log_i, paced under the 120/min limit
 *   enqueue BASE TENANT COUNT CONCURRENCY               COUNT jobs enqueued (each one paddock.job.queued event)
 *   jwt TENANT                                          prints a person's JWT for TENANT, every scope
 *   receiver PORT OUT                                   a webhook receiver on 127.0.0.1:PORT answering 204; appends
 *                                                       "webhook-id sequence latency-ms arrival-ms" per request
 *                                                       to OUT, the latency from the event's time to its arrival
 *   faults BASE_A BASE_B TENANT JOBS RUNNERS ACKS         the workload of bench/faults.sh: runners on both
 *                                                       replicas claim, log and report while faults are
 *                                                       injected; every acknowledged result and log batch is
 *                                                       written to ACKS for the checks; one runner dies mid-job
 * </pre>
 * People's calls carry a JWT signed here with the test key (src/test/resources/privateKey.pem),
 * which the benchmarked service is configured to trust.
 */
public class LoadGen {

    private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern LEASE_ID = Pattern.compile("\"lease_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "lifecycle" -> lifecycle(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args.length > 6 ? Integer.parseInt(args[6]) : 1);
            case "latency" -> latency(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "logs" -> logs(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "depth" -> depth(args[1], args[2], Integer.parseInt(args[3]));
            case "faults" -> faults(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Path.of(args[6]));
            case "enqueue" -> enqueue(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "receiver" -> receiver(Integer.parseInt(args[1]), Path.of(args[2]));
            case "check" -> jwt("check");
            case "jwt" -> System.out.println(jwt(args[1]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static void lifecycle(String base, String tenant, int runners, int concurrency, int seconds, int first)
            throws Exception {
        String jwt = jwt(tenant);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong next = new AtomicLong(first - 1);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    while (System.nanoTime() < end) {
                        String token = "rn_bench_" + (1 + next.getAndIncrement() % runners);
                        long t0 = System.nanoTime();
                        try {
                            if (oneLifecycle(base, jwt, token)) {
                                done.incrementAndGet();
                                micros.add((System.nanoTime() - t0) / 1000);
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        System.out.printf("lifecycles: %.1f /s (%d in %d s, %d concurrent, %d runners), p50 %.1f ms, p99 %.1f ms, errors %d%n",
                done.get() / (double) seconds, done.get(), seconds, concurrency, runners,
                percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0, errors.get());
    }

    static void enqueue(String base, String tenant, int count, int concurrency) throws Exception {
        String jwt = jwt(tenant);
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        try {
                            expect(send(base, "POST", "/api/jobs", "Authorization", "Bearer " + jwt, "{\"type\":\"bench\"}"), 201);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        System.out.printf("enqueued %d in %.1f s, errors %d%n", count,
                (System.nanoTime() - started) / 1e9, errors.get());
    }

    /**
     * A webhook receiver: answers 204 at once and writes one line per request, until killed. It
     * shares the box's cores with the service it measures, so it does as little as it can: HTTP/1.1
     * on kept-alive sockets, all served by one thread through a selector (a thread a connection,
     * woken for each request, took twice the CPU a request; the JDK's HttpServer three times),
     * every request a read holds answered with one write, the body's {@code time} and
     * {@code sequence} found by position (Paddock writes them compactly), the lines written out
     * every 100 ms and when it is stopped, not one write per request. Anything that is not an
     * event (the scripts' probe) is answered 400.
     */
    static void receiver(int port, Path out) throws Exception {
        java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 512);
        server.configureBlocking(false);
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        server.register(selector, java.nio.channels.SelectionKey.OP_ACCEPT);
        java.io.PrintWriter lines = new java.io.PrintWriter(Files.newBufferedWriter(out,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), false);
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (lines) {
                    lines.flush();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (lines) {
                lines.flush();
            }
        }));
        System.out.println("receiving on 127.0.0.1:" + port);
        while (true) {
            selector.select();
            for (var keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                java.nio.channels.SelectionKey key = keys.next();
                keys.remove();
                if (key.isAcceptable()) {
                    java.nio.channels.SocketChannel socket = server.accept();
                    if (socket != null) {
                        socket.configureBlocking(false);
                        socket.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                        socket.register(selector, java.nio.channels.SelectionKey.OP_READ, new Received());
                    }
                } else if (key.isValid() && (key.isReadable() || key.isWritable())) {
                    try {
                        receive(key, (Received) key.attachment(), lines);
                    } catch (IOException e) {
                        key.channel().close(); // the sender closed the connection
                    }
                }
            }
        }
    }

    /** What one connection has sent that is not answered yet, and its answers not written yet. */
    private static final class Received {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(16384);
        java.nio.ByteBuffer unwritten;
        boolean close;
    }

    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Reads what the connection sent, answers each whole request in it, and writes the answers at once. */
    private static void receive(java.nio.channels.SelectionKey key, Received received, java.io.PrintWriter lines)
            throws IOException {
        java.nio.channels.SocketChannel socket = (java.nio.channels.SocketChannel) key.channel();
        if (received.unwritten != null) {
            socket.write(received.unwritten);
            if (received.unwritten.hasRemaining()) {
                return;
            }
            received.unwritten = null;
            key.interestOps(java.nio.channels.SelectionKey.OP_READ);
            if (received.close) {
                socket.close();
                return;
            }
        }
        if (!key.isReadable()) {
            return;
        }
        if (socket.read(received.in) < 0) {
            socket.close();
            return;
        }
        java.nio.ByteBuffer in = received.in;
        byte[] bytes = in.array();
        ByteArrayOutputStream answers = new ByteArrayOutputStream(64);
        int start = 0;
        while (true) {
            int headersEnd = indexOf(bytes, start, in.position(), "\r\n\r\n");
            if (headersEnd < 0) {
                break;
            }
            String head = new String(bytes, start, headersEnd - start, StandardCharsets.ISO_8859_1);
            int length = 0;
            String id = null;
            for (String header : head.split("\r\n")) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue; // the request line: every request is taken for a delivery
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("webhook-id")) {
                    id = value;
                } else if (name.equalsIgnoreCase("Connection")) {
                    received.close |= value.equalsIgnoreCase("close");
                }
            }
            int bodyStart = headersEnd + 4;
            if (in.position() - bodyStart < length) {
                if (bodyStart + length > in.capacity()) { // a body larger than the buffer
                    java.nio.ByteBuffer larger = java.nio.ByteBuffer.allocate(bodyStart - start + length);
                    larger.put(bytes, start, in.position() - start);
                    received.in = larger;
                    start = 0;
                    in = larger;
                }
                break;
            }
            String body = new String(bytes, bodyStart, length, StandardCharsets.UTF_8);
            start = bodyStart + length;
            String time = quoted(body, "\"time\":\"");
            if (time == null) {
                answers.writeBytes(BAD_REQUEST);
            } else {
                long arrived = System.currentTimeMillis();
                answers.writeBytes(NO_CONTENT);
                String line = id + " " + quoted(body, "\"sequence\":\"") + " "
                        + (arrived - java.time.Instant.parse(time).toEpochMilli()) + " " + arrived;
                synchronized (lines) {
                    lines.println(line);
                }
            }
        }
        if (start > 0) {
            in.limit(in.position()).position(start);
            in.compact();
        }
        if (answers.size() > 0) {
            java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(answers.toByteArray());
            socket.write(out);
            if (out.hasRemaining()) {
                received.unwritten = out;
                key.interestOps(java.nio.channels.SelectionKey.OP_WRITE);
                return;
            }
        }
        if (received.close) {
            socket.close();
        }
    }

    /** Where {@code text} (ASCII) starts in {@code bytes[from, to)}; -1 when it does not. */
    private static int indexOf(byte[] bytes, int from, int to, String text) {
        outer:
        for (int i = from; i <= to - text.length(); i++) {
            for (int j = 0; j < text.length(); j++) {
                if (bytes[i + j] != text.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The string after the first {@code opening} in the text, up to its closing quote; null when none. */
    private static String quoted(String text, String opening) {
        int start = text.indexOf(opening);
        if (start < 0) {
            return null;
        }
        start += opening.length();
        int end = text.indexOf('"', start);
        return end < 0 ? null : text.substring(start, end);
    }

    /** One job through its whole life; false when the claim found no job (another worker took it). */
    static boolean oneLifecycle(String base, String jwt, String token) throws Exception {
        expect(send(base, "POST", "/api/jobs", "Authorization", "Bearer " + jwt, "{\"type\":\"bench\"}"), 201);
        Response claim = send(base, "POST", "/api/runners/jobs/claim", "X-Runner-Token", token,
                "{\"limit\":1}");
        if (claim.statusCode() == 204) {
            return false;
        }
        expect(claim, 200);
        String job = first(JOB_ID, claim.body());
        String lease = first(LEASE_ID, claim.body());
        String path = "/api/runners/jobs/" + job;
        expect(sendLeased(base, path + "/status", token, lease, "{\"phase\":\"working\",\"progress\":50}"), 200);
        StringBuilder lines = new StringBuilder("{\"offset\":0,\"lines\":[");
        for (int i = 0; i < 10; i++) {
            lines.append(i == 0 ? "" : ",").append("\"line ").append(i).append('"');
        }
        expect(sendLeased(base, path + "/logs", token, lease, lines.append("]}").toString()), 200);
        expect(sendLeased(base, path + "/result", token, lease, "{\"status\":\"success\",\"summary\":\"ok\"}"), 200);
        return true;
    }

    static void latency(String enqueueBase, String claimBase, String tenant, int first, int samples) throws Exception {
        String jwt = jwt(tenant);
        List<Long> micros = new ArrayList<>();
        int misses = 0;
        for (int i = 0; i < samples; i++) {
            // a runner per sample: each makes two calls, far under its rate limit
            String token = "rn_lat_" + (first + i);
            var waiting = CompletableFuture.supplyAsync(() -> sendUnchecked(claimBase, "POST", "/api/runners/jobs/claim",
                    "X-Runner-Token", token, "{\"limit\":1,\"wait_seconds\":10}"), command -> Thread.ofVirtual().start(command));
            Thread.sleep(25); // let the long poll park before the job arrives
            long t0 = System.nanoTime();
            send(enqueueBase, "POST", "/api/jobs", "Authorization", "Bearer " + jwt, "{\"type\":\"latency\"}");
            Response claimed = waiting.get();
            long t1 = System.nanoTime();
            if (claimed.statusCode() != 200) {
                misses++;
                continue;
            }
            micros.add((t1 - t0) / 1000);
            String job = first(JOB_ID, claimed.body());
            send(claimBase, "POST", "/api/runners/jobs/" + job + "/result", "X-Runner-Token", token,
                    "X-Lease-Id", first(LEASE_ID, claimed.body()), "{\"status\":\"success\"}");
        }
        System.out.printf("dispatch latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples, %d missed)%n",
                percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0, percentile(micros, 100) / 1000.0,
                micros.size(), misses);
    }

    static void depth(String base, String tenant, int samples) throws Exception {
        String jwt = jwt(tenant);
        List<Long> enqueues = new ArrayList<>();
        List<Long> claims = new ArrayList<>();
        for (int i = 1; i <= samples; i++) {
            long t0 = System.nanoTime();
            expect(send(base, "POST", "/api/jobs", "Authorization", "Bearer " + jwt, "{\"type\":\"depth\"}"), 201);
            long t1 = System.nanoTime();
            expect(send(base, "POST", "/api/runners/jobs/claim", "X-Runner-Token", "rn_depth_" + i, "{\"limit\":1}"), 200);
            long t2 = System.nanoTime();
            enqueues.add((t1 - t0) / 1000);
            claims.add((t2 - t1) / 1000);
        }
        System.out.printf("enqueue p50 %.2f ms, p99 %.2f ms; claim p50 %.2f ms, p99 %.2f ms (%d samples)%n",
                percentile(enqueues, 50) / 1000.0, percentile(enqueues, 99) / 1000.0,
                percentile(claims, 50) / 1000.0, percentile(claims, 99) / 1000.0, samples);
    }

    static void logs(String base, String tenant, int writers, int seconds) throws Exception {
        String jwt = jwt(tenant);
        AtomicLong lines = new AtomicLong();
        Map<Integer, AtomicLong> errors = new ConcurrentHashMap<>(); // by status code
        StringBuilder batch = new StringBuilder("{\"lines\":[");
        for (int i = 0; i < 200; i++) {
            batch.append(i == 0 ? "" : ",").append("\"build step ").append(i).append(" finished without warnings\"");
        }
        String body = batch.append("]}").toString();
        List<String[]> held = Collections.synchronizedList(new ArrayList<>());
        // set up 32 at a time: a burst of hundreds would only measure the connection pool's queue
        try (ExecutorService setup = Executors.newFixedThreadPool(32)) {
            for (int w = 1; w <= writers; w++) {
                setup.submit(() -> {
                    expect(send(base, "POST", "/api/jobs", "Authorization", "Bearer " + jwt, "{\"type\":\"logs\"}"), 201);
                    return null;
                });
            }
        }
        try (ExecutorService setup = Executors.newFixedThreadPool(32)) {
            for (int w = 1; w <= writers; w++) {
                String token = "rn_log_" + w;
                setup.submit(() -> {
                    Response claim;
                    do { // a claim finding every remaining job locked by another claim answers 204: look again
                        claim = send(base, "POST", "/api/runners/jobs/claim", "X-Runner-Token", token, "{\"limit\":1}");
                    } while (claim.statusCode() == 204);
                    expect(claim, 200);
                    held.add(new String[]{token, first(JOB_ID, claim.body()), first(LEASE_ID, claim.body())});
                    return null;
                });
            }
        }
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String[] writer : held) {
                workers.submit(() -> {
                    String path = "/api/runners/jobs/" + writer[1] + "/logs";
                    long due = System.nanoTime();
                    while (due < end) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        int status = sendLeased(base, path, writer[0], writer[2], body).statusCode();
                        if (status == 200) {
                            lines.addAndGet(200);
                        } else {
                            errors.computeIfAbsent(status, code -> new AtomicLong()).incrementAndGet();
                        }
                        // 100 batches a minute, under the runner's 120/min; a writer that fell behind does
                        // not catch up in a burst, which the limit would refuse, as an agent would not
                        due = Math.max(due + 600_000_000L, System.nanoTime());
                    }
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("log ingestion: %.0f lines/s (%d writers, 200-line batches, at most %d lines/s by pacing, errors by status %s)%n",
                lines.get() / elapsed, held.size(), held.size() * 200 * 100 / 60, errors);
    }

    private static final Pattern ATTEMPT = Pattern.compile("\"attempt\"\\s*:\\s*(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong RETRIED = new AtomicLong();

    static void faults(String baseA, String baseB, String tenant, int jobs, int runners, Path acks) throws Exception {
        long started = System.nanoTime();
        String jwt = jwt(tenant);
        String[] bases = {baseA, baseB};
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < runners; i++) {
            String created = retrying(bases[i % 2], "POST", "/api/runners", 201, "Authorization", "Bearer " + jwt,
                    "{\"name\":\"fault-" + i + "\",\"max_concurrency\":2}").body();
            tokens.add(first(TOKEN, created));
        }
        for (int i = 0; i < jobs; i++) {
            retrying(bases[i % 2], "POST", "/api/jobs", 201, "Authorization", "Bearer " + jwt,
                    "Idempotency-Key", tenant + "-" + i, "{\"type\":\"fault\",\"name\":\"job-" + i + "\"}");
        }
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runners; i++) {
                String token = tokens.get(i);
                String base = bases[i % 2];
                boolean diesMidJob = i == 0;
                pool.submit(() -> {
                    while (done.get() < jobs && System.nanoTime() < deadline) {
                        Response claim = retrying(base, "POST", "/api/runners/jobs/claim", 0,
                                "X-Runner-Token", token, "{\"limit\":1,\"wait_seconds\":2}");
                        if (claim.statusCode() != 200) {
                            continue;
                        }
                        String job = first(JOB_ID, claim.body());
                        String lease = first(LEASE_ID, claim.body());
                        String attempt = first(ATTEMPT, claim.body());
                        if (diesMidJob) {
                            return null; // holds its job and never speaks again: the lease must run out
                        }
                        String path = "/api/runners/jobs/" + job;
                        boolean held = retrying(base, "POST", path + "/status", 0, "X-Runner-Token", token,
                                "X-Lease-Id", lease, "{\"status\":\"running\"}").statusCode() == 200;
                        for (int batch = 0; held && batch < 2; batch++) {
                            held = retrying(base, "POST", path + "/logs", 0, "X-Runner-Token", token, "X-Lease-Id", lease,
                                    "{\"offset\":" + batch * 5 + ",\"lines\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}").statusCode() == 200;
                            if (held) {
                                acked.add("log " + job + " " + attempt + " " + batch * 5 + " 5");
                            }
                        }
                        if (held && retrying(base, "POST", path + "/result", 0, "X-Runner-Token", token,
                                "X-Lease-Id", lease, "{\"status\":\"success\"}").statusCode() == 200) {
                            acked.add("result " + job + " " + attempt + " 0 0");
                            done.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        Files.write(acks, acked);
        System.out.printf("workload  %d jobs, %d runners (one died mid-job), %d requests sent in %d s, %d retried after a"
                + " refused connection, 5xx or 429, %d results and %d log batches acknowledged%n", jobs, runners, SENT.get(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), RETRIED.get(), done.get(), acked.size() - done.get());
    }

    /**
     * Sends until the service answers other than 5xx, 429 or a refused connection (a database or
     * replica down); with {@code expected} > 0 that answer must be it. The same call again is what a real
     * agent does: the calls are idempotent (Idempotency-Key, offsets, the same report).
     */
    static Response retrying(String base, String method, String path, int expected, String... headersThenBody) {
        while (true) {
            SENT.incrementAndGet();
            Response response;
            try {
                response = send(base, method, path, headersThenBody);
            } catch (Exception refused) {
                response = null; // the replica is down or restarting
            }
            if (response != null && response.statusCode() < 500 && response.statusCode() != 429) {
                int status = response.statusCode();
                if (expected == 0 || status == expected || status == 200 && expected == 201) {
                    return response;
                }
                throw new IllegalStateException(method + " " + path + " answered " + status + ": " + response.body());
            }
            RETRIED.incrementAndGet();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static Response sendLeased(String base, String path, String token, String lease, String body)
            throws Exception {
        return send(base, "POST", path, "X-Runner-Token", token, "X-Lease-Id", lease, body);
    }

    /** headers as name, value pairs, then the JSON body. */
    static Response send(String base, String method, String path, String... headersThenBody) throws IOException {
        ConcurrentLinkedQueue<Connection> idle = IDLE.computeIfAbsent(base, any -> new ConcurrentLinkedQueue<>());
        Connection connection = idle.poll();
        boolean reused = connection != null;
        if (!reused) {
            connection = new Connection(URI.create(base));
        }
        try {
            Response response = connection.exchange(method, path, headersThenBody);
            idle.offer(connection);
            return response;
        } catch (IOException e) {
            connection.close();
            if (reused && !connection.answered) {
                return send(base, method, path, headersThenBody); // the server had closed an idle connection
            }
            throw e;
        }
    }

    static Response sendUnchecked(String base, String method, String path, String... headersThenBody) {
        try {
            return send(base, method, path, headersThenBody);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void expect(Response response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    record Response(String request, int statusCode, String body) {
    }

    /** Kept-alive connections per base URL, each used by one caller at a time. */
    /** A line of an HTTP/1.1 head, without its CRLF. */
    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static final Map<String, ConcurrentLinkedQueue<Connection>> IDLE = new ConcurrentHashMap<>();

    /**
     * HTTP/1.1 on one kept-alive socket, as a runner agent speaks it: the request written at once,
     * the answer read by its Content-Length or chunks. The JDK's HttpClient cost this load generator
     * about a millisecond of CPU and a few of latency per call here, as much as the service's own
     * work on the call, and both share this machine's two cores (bench/RESULTS.md).
     */
    static final class Connection {
        private final String host;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        boolean answered;

        Connection(URI base) throws IOException {
            host = base.getHost() + ":" + base.getPort();
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        Response exchange(String method, String path, String... headersThenBody) throws IOException {
            answered = false;
            byte[] body = headersThenBody[headersThenBody.length - 1].getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nContent-Type: application/json\r\n");
            for (int i = 0; i + 1 < headersThenBody.length; i += 2) {
                head.append(headersThenBody[i]).append(": ").append(headersThenBody[i + 1]).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            byte[] request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            out.write(request);
            out.flush();

            String status = line();
            answered = true;
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(header.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = header.substring(colon + 1).trim().equalsIgnoreCase("chunked");
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    answer.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                answer.write(in.readNBytes((int) length));
            }
            return new Response(method + " " + path, code, answer.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            return LoadGen.line(in);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection
            }
        }
    }

    static String first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in " + text);
        }
        return matcher.group(1);
    }

    static double percentile(List<Long> values, int percent) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    /** An RS256 JWT for a person of {@code tenant} with every scope, signed with the test key. */
    static String jwt(String tenant) throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/privateKey.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        long now = System.currentTimeMillis() / 1000;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"https://paddock.test\",\"sub\":\"bench\",\"tenant\":\"" + tenant
                + "\",\"scope\":\"runners:manage runners:register jobs:manage webhooks:manage\",\"iat\":" + now + ",\"exp\":"
                + (now + 7200) + ",\"jti\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(signature.sign());
    }
}
