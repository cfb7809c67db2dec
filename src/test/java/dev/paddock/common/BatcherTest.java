package dev.paddock.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Batched work, with real threads: what arrives while a batch is written is the next batch, and nothing is lost at stop. */
class BatcherTest {

    @Test
    void whatArrivesWhileABatchIsWrittenIsTheNextBatch() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        Batcher<Integer> batcher = new Batcher<>("test-batches", 1, 100, Duration.ZERO, batch -> {
            batches.add(List.copyOf(batch));
            writing.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        batcher.add(1);
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 5; i++) {
            batcher.add(i);
        }
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4, 5));
        assertThat(batcher.stop()).isEmpty();
    }

    @Test
    void aGatherTimeWritesWhatArrivedMeanwhileAtOnce() {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        Batcher<Integer> batcher = new Batcher<>("test-gather", 1, 1000, Duration.ofMillis(300),
                batch -> batches.add(List.copyOf(batch)));
        for (int i = 0; i < 50; i++) {
            batcher.add(i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !batches.isEmpty());
        assertThat(batches.get(0)).hasSize(50);
        batcher.stop();
    }

    @Test
    void anItemThatMustGoAtOnceEndsTheGatheringAndTakesTheGatheredAlong() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        // negative numbers go at once; the others would wait ten seconds for company
        Batcher<Integer> batcher = new Batcher<>("test-at-once", 1, 1000, Duration.ofSeconds(10), item -> item < 0,
                batch -> batches.add(List.copyOf(batch)));
        batcher.add(-1);
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        batcher.add(1);
        batcher.add(2);
        Thread.sleep(300);
        assertThat(batches).as("the others wait for the gather time").containsExactly(List.of(-1));
        batcher.add(-2);
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        assertThat(batches.get(1)).containsExactly(1, 2, -2);
        assertThat(batcher.stop()).isEmpty();
    }

    @Test
    void stopLetsTheBatchBeingWrittenFinishAndAnswersTheRest() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        List<Integer> written = new CopyOnWriteArrayList<>();
        Batcher<Integer> batcher = new Batcher<>("test-stop", 1, 1, Duration.ZERO, batch -> {
            writing.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.addAll(batch);
        });
        batcher.add(1);
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        batcher.add(2);
        batcher.add(3);
        List<Integer> left = new ArrayList<>(batcher.stop());
        assertThat(written).as("the batch being written was not cut off").containsExactly(1);
        assertThat(left).containsExactly(2, 3);
    }

    @Test
    void anItemBeingGatheredAtStopIsAnsweredNotLost() {
        List<Integer> written = new CopyOnWriteArrayList<>();
        Batcher<Integer> batcher = new Batcher<>("test-stop-gather", 1, 100, Duration.ofMillis(400), written::addAll);
        batcher.add(7);
        List<Integer> left = batcher.stop();
        List<Integer> all = new ArrayList<>(written);
        all.addAll(left);
        assertThat(all).containsExactly(7);
    }
}
