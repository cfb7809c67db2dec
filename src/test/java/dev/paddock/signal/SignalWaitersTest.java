package dev.paddock.signal;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Phaser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A waiter registered while another waiter of the same topic leaves is woken by the next signal:
 * none is dropped by the race of the two (real threads, many rounds).
 */
@QuarkusTest
class SignalWaitersTest {

    private static final int ROUNDS = 20_000;

    @Inject
    Signals signals;

    @Test
    void aWaiterThatComesWhileAnotherLeavesIsStillWoken() throws Exception {
        String prefix = "race:" + UUID.randomUUID() + ":";
        Phaser rounds = new Phaser(2);
        Thread leaving = Thread.ofPlatform().start(() -> {
            for (int round = 0; round < ROUNDS; round++) {
                String topic = prefix + round;
                CompletableFuture<Void> other = signals.await(topic);
                rounds.arriveAndAwaitAdvance();
                signals.forget(topic, other);
                rounds.arriveAndAwaitAdvance();
            }
        });
        int dropped = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String topic = prefix + round;
            rounds.arriveAndAwaitAdvance();
            CompletableFuture<Void> waiter = signals.await(topic);
            rounds.arriveAndAwaitAdvance();
            signals.wakeLocally(topic);
            if (!waiter.isDone()) {
                dropped++;
            }
            signals.forget(topic, waiter);
        }
        leaving.join();
        assertThat(dropped).as("waiters never woken").isZero();
    }
}
