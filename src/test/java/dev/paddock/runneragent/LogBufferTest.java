package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A job's log lines on their way to the service: batches, offsets, resends, bounds. */
class LogBufferTest {

    private static final Duration FLUSH = Duration.ofMillis(50);

    @Test
    void batchesHoldAtMostTwoHundredLinesNumberedByTheOffsetOfTheirFirstLine() throws Exception {
        LogBuffer buffer = new LogBuffer();
        for (int i = 1; i <= 450; i++) {
            buffer.add("info", "line " + i);
        }
        buffer.close();
        LogBuffer.Batch first = buffer.next(FLUSH);
        assertThat(first.offset()).isEqualTo(1);
        assertThat(first.lines()).hasSize(200);
        assertThat(first.lines().get(0).message()).isEqualTo("line 1");
        buffer.acknowledged();
        LogBuffer.Batch second = buffer.next(FLUSH);
        assertThat(second.offset()).isEqualTo(201);
        assertThat(second.lines().get(0).message()).isEqualTo("line 201");
        buffer.acknowledged();
        LogBuffer.Batch third = buffer.next(FLUSH);
        assertThat(third.offset()).isEqualTo(401);
        assertThat(third.lines()).hasSize(50);
        buffer.acknowledged();
        assertThat(buffer.next(FLUSH)).as("closed and all acknowledged").isNull();
    }

    @Test
    void anUnacknowledgedBatchIsSentAgainWithTheSameOffsetAndTheSameLines() throws Exception {
        LogBuffer buffer = new LogBuffer();
        buffer.add("info", "a");
        buffer.add("warn", "b");
        LogBuffer.Batch sent = buffer.next(FLUSH);
        buffer.failing();
        buffer.add("info", "c");
        LogBuffer.Batch again = buffer.next(FLUSH);
        assertThat(again).isEqualTo(sent);
        buffer.acknowledged();
        buffer.close();
        LogBuffer.Batch next = buffer.next(FLUSH);
        assertThat(next.offset()).isEqualTo(3);
        assertThat(next.lines()).extracting(LogBuffer.Line::message).containsExactly("c");
    }

    @Test
    void aBatchThatIsNotFullWaitsForTheFlushInterval() throws Exception {
        LogBuffer buffer = new LogBuffer();
        buffer.add("info", "only");
        long started = System.nanoTime();
        LogBuffer.Batch batch = buffer.next(Duration.ofMillis(300));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(250);
        assertThat(batch.lines()).hasSize(1);
    }

    /** AGENT.md: "a line is never lost": a program printing through a short failure waits for room. */
    @Test
    void throughAShortFailureAProgramWaitsForRoomAndNoLineIsLost() throws Exception {
        LogBuffer buffer = new LogBuffer(10, LogBuffer.DEFAULT_MAX_CHARS, Duration.ofSeconds(30));
        buffer.add("info", "in flight");
        LogBuffer.Batch inFlight = buffer.next(Duration.ZERO);
        buffer.failing(); // a 503
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= 25; i++) {
                    buffer.add("info", "line " + i);
                }
                buffer.close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(producer).as("the program waits while the buffer is full").isNotDone();
        assertThat(buffer.next(FLUSH)).isEqualTo(inFlight); // sent again, and this time stored
        buffer.acknowledged();
        List<String> received = new ArrayList<>();
        LogBuffer.Batch batch;
        while ((batch = buffer.next(FLUSH)) != null) {
            batch.lines().forEach(line -> received.add(line.message()));
            buffer.acknowledged();
        }
        producer.get(10, TimeUnit.SECONDS);
        assertThat(received).hasSize(25).first().isEqualTo("line 1");
        assertThat(received).last().isEqualTo("line 25");
    }

    @Test
    void whileTheServiceFailsTheOldestLinesAreDroppedAndTheNextBatchSaysHowMany() throws Exception {
        LogBuffer buffer = new LogBuffer(10, LogBuffer.DEFAULT_MAX_CHARS, Duration.ZERO);
        buffer.add("info", "in flight");
        LogBuffer.Batch inFlight = buffer.next(Duration.ZERO);
        buffer.failing();
        for (int i = 1; i <= 25; i++) {
            buffer.add("info", "line " + i);
        }
        assertThat(buffer.next(FLUSH)).as("the batch in flight is kept whole").isEqualTo(inFlight);
        buffer.acknowledged();
        buffer.close();
        LogBuffer.Batch next = buffer.next(FLUSH);
        assertThat(next.offset()).isEqualTo(2);
        assertThat(next.lines().get(0).level()).as("the agent's own lines are debug").isEqualTo("debug");
        assertThat(next.lines().get(0).message()).contains("15 lines of output were dropped");
        assertThat(next.lines().subList(1, 11)).extracting(LogBuffer.Line::message)
                .containsExactly("line 16", "line 17", "line 18", "line 19", "line 20", "line 21", "line 22", "line 23", "line 24", "line 25");
    }

    @Test
    void whileTheServiceTakesBatchesAProgramThatPrintsFasterWaitsInsteadOfLosingLines() throws Exception {
        LogBuffer buffer = new LogBuffer(10, LogBuffer.DEFAULT_MAX_CHARS, LogBuffer.DEFAULT_DROP_AFTER);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= 1000; i++) {
                    buffer.add("info", Integer.toString(i));
                }
                buffer.close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> received = new ArrayList<>();
        long expectedOffset = 1;
        LogBuffer.Batch batch;
        while ((batch = buffer.next(Duration.ofMillis(1))) != null) {
            assertThat(batch.offset()).isEqualTo(expectedOffset);
            batch.lines().forEach(line -> received.add(line.message()));
            expectedOffset += batch.lines().size();
            buffer.acknowledged();
        }
        producer.get(10, TimeUnit.SECONDS);
        assertThat(received).hasSize(1000).first().isEqualTo("1");
        assertThat(received).last().isEqualTo("1000");
        assertThat(buffer.waiting()).isZero();
    }

    @Test
    void aBatchStaysWellUnderTheServicesBodyLimit() throws Exception {
        LogBuffer buffer = new LogBuffer();
        String longLine = "x".repeat(LineSplitter.MAX_LINE_BYTES);
        for (int i = 0; i < 10; i++) {
            buffer.add("info", longLine);
        }
        buffer.close();
        LogBuffer.Batch batch = buffer.next(FLUSH);
        assertThat(batch.lines().stream().mapToInt(line -> line.message().length()).sum()).isLessThanOrEqualTo(LogBuffer.MAX_BATCH_CHARS);
        assertThat(batch.lines()).hasSize(2);
    }

    @Test
    void anAbandonedBufferTakesLinesWithoutWaitingAndGivesNoMoreBatches() throws Exception {
        LogBuffer buffer = new LogBuffer(1, LogBuffer.DEFAULT_MAX_CHARS, LogBuffer.DEFAULT_DROP_AFTER);
        buffer.add("info", "a");
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                buffer.add("info", "b");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(blocked).isNotDone();
        buffer.abandon();
        blocked.get(5, TimeUnit.SECONDS);
        assertThat(buffer.next(FLUSH)).isNull();
    }
}
