package dev.paddock.dispatch;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends wake-ups to every replica after the transaction that caused them commits, many at once.
 * A NOTIFY inside a writing transaction takes PostgreSQL's global notify lock until that
 * transaction's commit is flushed, so every transaction that notifies commits one after another,
 * each waiting for its own WAL flush; under load that, not the writes, limited enqueues, log
 * batches and completions. Here the writing transactions commit freely, this replica's own
 * waiters are woken at once, and one sender thread notifies the other replicas with every signal
 * that arrived meanwhile in one statement. Wake-ups are hints, not records: a crash between the
 * commit and the send loses them as it would lose the waiting requests, and waiters look again
 * whenever the listening connection comes back.
 */
@ApplicationScoped
public class SignalSender {

    private static final Logger LOG = Logger.getLogger(SignalSender.class);
    private static final Object PENDING_IN_TRANSACTION = new Object();
    private static final int MAX_BATCH = 1000;
    /**
     * Asynchronous commit for this transaction only: a notification is not durable whatever the
     * commit does, so waiting for the WAL flush would only delay it.
     */
    private static final String SEND = """
            SELECT pg_notify(s.channel, s.topic)
              FROM (SELECT set_config('synchronous_commit', 'off', true)) async,
                   unnest(CAST(? AS text[]), CAST(? AS text[])) AS s(channel, topic)""";

    public record Signal(String channel, String topic) {
    }

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JobSignals signals;

    @Inject
    TransactionConnection connections;

    private final LinkedBlockingQueue<Signal> unsent = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private Thread sender;

    void start(@Observes StartupEvent event) {
        sender = Thread.ofPlatform().daemon().name("paddock-signals").start(this::sendLoop);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
        List<Signal> left = new ArrayList<>();
        unsent.drainTo(left);
        if (!left.isEmpty()) {
            send(left);
        }
    }

    /**
     * Wakes the waiters on {@code topic} of every replica once the current transaction commits;
     * nothing when it rolls back (JTA or local). Outside a transaction, at once.
     */
    @SuppressWarnings("unchecked")
    public void afterCommit(String channel, String topic) {
        Signal signal = new Signal(channel, topic);
        if (connections.afterLocalCommit(() -> sent(Set.of(signal)))) {
            return;
        }
        if (transactions.getTransactionKey() == null) {
            sent(Set.of(signal));
            return;
        }
        Set<Signal> pending = (Set<Signal>) transactions.getResource(PENDING_IN_TRANSACTION);
        if (pending == null) {
            Set<Signal> created = new LinkedHashSet<>();
            transactions.putResource(PENDING_IN_TRANSACTION, created);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        sent(created);
                    }
                }
            });
            pending = created;
        }
        pending.add(signal);
    }

    private void sent(Set<Signal> committed) {
        committed.forEach(signal -> signals.wakeLocally(signal.topic()));
        unsent.addAll(committed);
    }

    private void sendLoop() {
        List<Signal> batch = new ArrayList<>();
        while (running) {
            try {
                Signal first = unsent.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                unsent.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Wake-ups not sent");
            } finally {
                batch.clear();
            }
        }
    }

    /** One statement, retried once (a dropped connection); the same signal twice is sent once. */
    private void send(List<Signal> batch) {
        Set<Signal> distinct = new LinkedHashSet<>(batch);
        String[] channels = distinct.stream().map(Signal::channel).toArray(String[]::new);
        String[] topics = distinct.stream().map(Signal::topic).toArray(String[]::new);
        SQLException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement send = connection.prepareStatement(SEND)) {
                send.setArray(1, connection.createArrayOf("text", channels));
                send.setArray(2, connection.createArrayOf("text", topics));
                send.execute();
                return;
            } catch (SQLException e) {
                failure = e;
            }
        }
        LOG.warnf("%d wake-ups not sent to the other replicas (%s); their waiters find the work when they look again",
                distinct.size(), failure.getSQLState());
    }
}
