package dev.paddock.signal;

import io.agroal.api.AgroalDataSource;
import dev.paddock.db.Transactions;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wake-ups leave only with a commit: this replica's waiters at once, the others through the database. */
@QuarkusTest
class SignalSenderTest {

    @Inject
    SignalSender sender;

    @Inject
    Signals signals;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Transactions transactions;

    @Test
    void aCommittedTransactionWakesWaitersHereAndElsewhereOnceEach() throws Exception {
        String topic = "j:" + UUID.randomUUID();
        try (Connection otherReplica = dataSource.getConnection(); Statement listen = otherReplica.createStatement()) {
            listen.execute("LISTEN " + Signals.LOGS_CHANNEL);
            CompletableFuture<Void> waiter = signals.await(topic);
            transactions.inTransaction(() -> {
                sender.afterCommit(Signals.LOGS_CHANNEL, topic);
                sender.afterCommit(Signals.LOGS_CHANNEL, topic);
                assertThat(waiter).as("not before the commit").isNotDone();
            });
            waiter.get(1, TimeUnit.SECONDS);
            signals.forget(topic, waiter);
            assertThat(heard(otherReplica, topic)).containsExactly(topic);
        }
    }

    @Test
    void aRolledBackTransactionWakesNoOne() throws Exception {
        String topic = "j:" + UUID.randomUUID();
        try (Connection otherReplica = dataSource.getConnection(); Statement listen = otherReplica.createStatement()) {
            listen.execute("LISTEN " + Signals.LOGS_CHANNEL);
            CompletableFuture<Void> waiter = signals.await(topic);
            assertThatThrownBy(() -> transactions.inTransaction(() -> {
                sender.afterCommit(Signals.LOGS_CHANNEL, topic);
                throw new IllegalStateException("the write failed");
            })).hasMessage("the write failed");
            assertThat(heard(otherReplica, topic)).isEmpty();
            assertThat(waiter).isNotDone();
            signals.forget(topic, waiter);
        }
    }

    /** The notifications on {@code topic} that reach a listening connection within a second. */
    private static List<String> heard(Connection connection, String topic) throws Exception {
        List<String> heard = new ArrayList<>();
        long until = System.currentTimeMillis() + 1000;
        while (System.currentTimeMillis() < until) {
            PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(100);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    if (topic.equals(notification.getParameter())) {
                        heard.add(notification.getParameter());
                    }
                }
            }
        }
        return heard;
    }
}
