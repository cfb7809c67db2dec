package dev.paddock.runneragent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One job attempt's log lines between its program and the service, and the batches they are sent
 * in: at most {@link #MAX_BATCH} lines a batch, each batch numbered by the offset of its first line
 * (from 1), and the same batch, with the same offset, until the service acknowledged it — so a
 * resent batch is never stored twice and no line is skipped.
 * <p>
 * Bounded: at most {@code capacity} lines (and {@code maxChars} characters) wait. A program that
 * prints faster than they are stored waits for room (its pipe fills, as with any slow reader),
 * also while the service fails for a moment (a 5xx, a dropped connection, a replica restarting):
 * a line is never lost to a short failure. Only once the service has failed for
 * {@code dropAfter} without a break, when the job's lease has likely run out anyway, would waiting
 * stall the job for the whole outage: the oldest waiting lines are then dropped, and the next batch
 * starts with a line saying how many.
 */
final class LogBuffer {

    static final int MAX_BATCH = 200;
    /** Characters a batch holds at most, so that even escaped it stays well under the service's 1 MiB body limit. */
    static final int MAX_BATCH_CHARS = 128 * 1024;
    static final int DEFAULT_CAPACITY = 10_000;
    static final long DEFAULT_MAX_CHARS = 2L * 1024 * 1024;
    /** Half the service's default lease (120 s): a failure this long is an outage, not a moment. */
    static final Duration DEFAULT_DROP_AFTER = Duration.ofSeconds(60);

    record Line(Instant timestamp, String level, String message) {
    }

    record Batch(long offset, List<Line> lines) {
    }

    private final int capacity;
    private final long maxChars;
    private final long dropAfterNanos;
    private final ArrayDeque<Line> pending = new ArrayDeque<>();
    private long pendingChars;
    private long oldestPendingAt;
    private Batch inFlight;
    private long nextOffset = 1;
    private long dropped;
    /** When the service's current failure began (System.nanoTime), or null while it takes batches. */
    private Long failingSince;
    private boolean closed;
    private boolean abandoned;

    LogBuffer(int capacity, long maxChars, Duration dropAfter) {
        this.capacity = capacity;
        this.maxChars = maxChars;
        this.dropAfterNanos = dropAfter.toNanos();
    }

    LogBuffer() {
        this(DEFAULT_CAPACITY, DEFAULT_MAX_CHARS, DEFAULT_DROP_AFTER);
    }

    /** Adds a line; waits for room, unless the service has failed for {@code dropAfter}: then drops the oldest. */
    synchronized void add(String level, String message) throws InterruptedException {
        while (full() && !abandoned) {
            long outage = failingSince == null ? 0 : System.nanoTime() - failingSince;
            if (failingSince != null && outage >= dropAfterNanos) {
                break;
            }
            if (failingSince == null) {
                wait();
            } else {
                wait(Math.max(1, (dropAfterNanos - outage) / 1_000_000));
            }
        }
        if (abandoned) {
            return;
        }
        while (full() && !pending.isEmpty()) {
            Line oldest = pending.pollFirst();
            pendingChars -= oldest.message().length();
            dropped++;
        }
        if (pending.isEmpty()) {
            oldestPendingAt = System.nanoTime();
        }
        // to the millisecond, as the service shows it: lines of one millisecond share a timestamp
        pending.addLast(new Line(Instant.ofEpochMilli(System.currentTimeMillis()), level, message));
        pendingChars += message.length();
        if (pending.size() == 1 || pending.size() == MAX_BATCH) {
            notifyAll(); // the shipper waits for a first line (to time its flush) or a full batch, not for each line
        }
    }

    private boolean full() {
        return pending.size() >= capacity || pendingChars >= maxChars;
    }

    /**
     * The batch to send now: the unacknowledged one again, else a new one as soon as a batch is
     * full, the oldest line waited {@code flushEvery}, or no more lines will come. Null when the
     * buffer is closed and everything was acknowledged, or abandoned.
     */
    synchronized Batch next(Duration flushEvery) throws InterruptedException {
        long flushNanos = flushEvery.toNanos();
        while (!abandoned && inFlight == null) {
            int waiting = pending.size() + (dropped > 0 ? 1 : 0);
            if (waiting >= MAX_BATCH || pendingChars >= MAX_BATCH_CHARS || (waiting > 0 && (closed || System.nanoTime() - oldestPendingAt >= flushNanos))) {
                inFlight = take();
                break;
            }
            if (closed && waiting == 0) {
                return null;
            }
            if (waiting == 0) {
                wait();
            } else {
                long left = flushNanos - (System.nanoTime() - oldestPendingAt);
                if (left > 0) {
                    wait(Math.max(1, left / 1_000_000));
                }
            }
        }
        return abandoned ? null : inFlight;
    }

    private Batch take() {
        List<Line> lines = new ArrayList<>(Math.min(MAX_BATCH, pending.size() + 1));
        if (dropped > 0) {
            lines.add(new Line(Instant.now(), "debug", "paddock-agent: " + dropped
                    + " lines of output were dropped while the service could not be reached (the agent keeps at most "
                    + capacity + " lines a job)"));
            dropped = 0;
        }
        long chars = 0;
        while (lines.size() < MAX_BATCH && !pending.isEmpty()
                && (lines.isEmpty() || chars + pending.peekFirst().message().length() <= MAX_BATCH_CHARS)) {
            Line line = pending.pollFirst();
            chars += line.message().length();
            pendingChars -= line.message().length();
            lines.add(line);
        }
        if (!pending.isEmpty()) {
            oldestPendingAt = System.nanoTime();
        }
        notifyAll();
        return new Batch(nextOffset, List.copyOf(lines));
    }

    /** The service stored the batch {@link #next} gave: the next one follows it. */
    synchronized void acknowledged() {
        if (inFlight != null) {
            nextOffset += inFlight.lines().size();
            inFlight = null;
        }
        failingSince = null;
        notifyAll();
    }

    /**
     * Sending failed (network, 5xx): once it has failed for {@code dropAfter} without a batch going
     * through, lines are dropped rather than waited for.
     */
    synchronized void failing() {
        if (failingSince == null) {
            failingSince = System.nanoTime();
        }
        notifyAll();
    }

    /** No more lines will come: {@link #next} gives what is left, then null. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Nothing more will be sent (the job belongs to someone else): lines are discarded, nobody waits. */
    synchronized void abandon() {
        abandoned = true;
        pending.clear();
        inFlight = null;
        notifyAll();
    }

    synchronized int waiting() {
        return pending.size() + (inFlight == null ? 0 : inFlight.lines().size());
    }
}
