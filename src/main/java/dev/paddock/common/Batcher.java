package dev.paddock.common;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Work that arrives one item at a time and is written many at once: the items that arrive while a
 * batch is being written (and, with a {@code gather} time, for that long after it) make up the
 * next one, up to {@code maxBatch}. Without a gather time a batch under light load is one item and
 * nothing waits, while under heavy load one statement or commit serves many items; with one, the
 * work is written at most once per gather time, however often items arrive; an item that must not
 * wait ({@code atOnce}) ends the gathering, and takes every item gathered so far with it. The one
 * mechanism for the service's batched and sub-second periodic work (the scheduler checks its
 * triggers once a second, so it runs the slower sweeps).
 */
public final class Batcher<T> {

    private static final Logger LOG = Logger.getLogger(Batcher.class);
    /** How often an idle writer looks whether it should stop. */
    private static final long IDLE_POLL_MILLIS = 200;
    /** How long {@link #stop} waits for a batch being written. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final int maxBatch;
    private final long gatherMillis;
    /** Items that end the gathering; null: the batch waits the whole gather time. */
    private final Predicate<T> atOnce;
    private final Consumer<List<T>> writer;
    private final LinkedBlockingQueue<T> arrived = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * Starts {@code writers} daemon threads named after {@code name}, each writing one batch at a
     * time with {@code writer}, which answers for its own failures: one that escapes is logged and
     * the batch is dropped.
     */
    public Batcher(String name, int writers, int maxBatch, Duration gather, Consumer<List<T>> writer) {
        this(name, writers, maxBatch, gather, null, writer);
    }

    /**
     * A batcher whose batch waits up to {@code gather} for more items, and goes as soon as one
     * {@code atOnce} accepts arrives (or is the first).
     */
    public Batcher(String name, int writers, int maxBatch, Duration gather, Predicate<T> atOnce,
                   Consumer<List<T>> writer) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.gatherMillis = gather.toMillis();
        this.atOnce = atOnce;
        this.writer = writer;
        for (int i = 0; i < writers; i++) {
            threads.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(this::writeLoop));
        }
    }

    /**
     * {@code task} every {@code every} (after the previous run ends) on one daemon thread, until
     * stopped: a batcher whose one item is the next run. The task answers for its own failures.
     */
    public static Batcher<Boolean> repeating(String name, Duration every, Runnable task) {
        List<Batcher<Boolean>> self = new ArrayList<>(1);
        Batcher<Boolean> batcher = new Batcher<>(name, 1, 1, every, runs -> {
            try {
                task.run();
            } finally {
                self.get(0).add(Boolean.TRUE);
            }
        });
        self.add(batcher);
        batcher.add(Boolean.TRUE);
        return batcher;
    }

    public void add(T item) {
        arrived.add(item);
    }

    public void addAll(Collection<T> items) {
        arrived.addAll(items);
    }

    /**
     * Lets the batch being written finish (without interrupting it: a statement cut off midway
     * would be lost), stops the writers, and answers what arrived and was not written.
     */
    public List<T> stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<T> left = new ArrayList<>();
        arrived.drainTo(left);
        return left;
    }

    /**
     * Adds what arrives to {@code batch} until the gather time ends, it is full, or it holds an
     * item to send at once.
     */
    private void gatherUntilOneMustGo(List<T> batch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gatherMillis);
        int checked = 0;
        while (true) {
            arrived.drainTo(batch, maxBatch - batch.size());
            for (; checked < batch.size(); checked++) {
                if (atOnce.test(batch.get(checked))) {
                    return;
                }
            }
            long left = deadline - System.nanoTime();
            if (batch.size() >= maxBatch || left <= 0) {
                return;
            }
            T next = arrived.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    private void writeLoop() {
        List<T> batch = new ArrayList<>();
        while (running) {
            try {
                T first = arrived.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (atOnce == null) {
                    if (gatherMillis > 0) {
                        Thread.sleep(gatherMillis);
                    }
                    arrived.drainTo(batch, maxBatch - 1);
                } else {
                    gatherUntilOneMustGo(batch);
                }
                writer.accept(batch);
            } catch (InterruptedException e) {
                // not written: left for whoever stops the batcher
                arrived.addAll(batch);
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "A batch of %d for %s was not written", batch.size(), name);
            } finally {
                batch.clear();
            }
        }
    }
}
