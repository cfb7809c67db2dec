package dev.paddock.signal;

import dev.paddock.common.Batcher;
import dev.paddock.db.Transactions;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The only code that sends a NOTIFY. Wake-ups ({@link #afterCommit}) go once the transaction that
 * caused them commits, many at once: a NOTIFY inside a writing transaction takes PostgreSQL's
 * global notify lock until that transaction's commit is flushed, so every transaction that
 * notifies commits one after another, each waiting for its own WAL flush; under load that, not the
 * writes, limited enqueues, log batches and completions. So the writing transactions commit
 * freely, this replica's own waiters are woken at once, and one sender thread notifies the other
 * replicas with every signal that arrived meanwhile in one statement. A new queued job's wake-up
 * goes at once (a claim waits for it on another replica); new log lines and numbered events wait
 * up to {@value #LAZY_MILLIS} ms for company (a follower of a log or of the events reads on a
 * little later), so that under load they cost PostgreSQL a notifying transaction per window, not
 * one each: most ride with the next job's wake-up. Wake-ups are hints, not
 * records: a crash between the commit and the send loses them as it would lose the waiting
 * requests, and waiters look again whenever the listening connection comes back. A revocation
 * ({@link #withinTransaction}) is the exception: it is sent inside its transaction.
 */
@ApplicationScoped
public class SignalSender {

    private static final Logger LOG = Logger.getLogger(SignalSender.class);
    private static final int MAX_BATCH = 1000;
    /** How long a wake-up other than a new queued job's may wait for others to go with it. */
    static final long LAZY_MILLIS = 20;
    /** The key of a transaction's signals among its resources. */
    private static final Object PENDING = new Object();
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
    Signals signals;

    @Inject
    Transactions transactions;

    private Batcher<Signal> unsent;

    @PostConstruct
    void init() {
        unsent = new Batcher<>("paddock-signals", 1, MAX_BATCH, Duration.ofMillis(LAZY_MILLIS),
                signal -> Signals.JOBS_CHANNEL.equals(signal.channel()), this::send);
    }

    void stop(@Observes ShutdownEvent event) {
        List<Signal> left = unsent.stop();
        if (!left.isEmpty()) {
            send(left);
        }
    }

    /**
     * Wakes the waiters on {@code topic} of every replica once the current transaction commits;
     * nothing when it rolls back. Outside a transaction, at once.
     */
    public void afterCommit(String channel, String topic) {
        Signal signal = new Signal(channel, topic);
        // a transaction's signals are a set: the same one twice is sent once
        Set<Signal> committed = transactions.resource(PENDING, () -> {
            Set<Signal> pending = new LinkedHashSet<>();
            transactions.afterCommit(() -> sent(pending));
            return pending;
        });
        if (committed == null) {
            sent(Set.of(signal));
        } else {
            committed.add(signal);
        }
    }

    private void sent(Set<Signal> committed) {
        committed.forEach(signal -> signals.wakeLocally(signal.topic()));
        unsent.addAll(committed);
    }

    /**
     * {@code payload} on {@code channel} to every replica's listeners, this one's too, when the
     * current transaction commits, sent inside it: used where what changed must not outlive the
     * commit on any replica (a revoked token). These are rare enough that serializing their
     * commits costs nothing.
     */
    public void withinTransaction(String channel, String payload) {
        transactions.run(connection -> {
            try (PreparedStatement send = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                send.setString(1, channel);
                send.setString(2, payload);
                send.execute();
                return null;
            }
        });
    }

    /**
     * {@code payloads} on {@code channel} to every replica's listeners, this one's too, now, in
     * one statement (outside a transaction: autocommitted).
     */
    public void share(String channel, List<String> payloads) {
        transactions.run(connection -> {
            try (PreparedStatement send = connection.prepareStatement("SELECT pg_notify(?, p) FROM unnest(?) p")) {
                send.setString(1, channel);
                send.setArray(2, connection.createArrayOf("text", payloads.toArray()));
                send.execute();
                return null;
            }
        });
    }

    /** One statement, retried once (a dropped connection); the same signal twice is sent once. */
    private void send(List<Signal> batch) {
        Set<Signal> distinct = new LinkedHashSet<>(batch);
        String[] channels = distinct.stream().map(Signal::channel).toArray(String[]::new);
        String[] topics = distinct.stream().map(Signal::topic).toArray(String[]::new);
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                transactions.run(connection -> {
                    try (PreparedStatement send = connection.prepareStatement(SEND)) {
                        send.setArray(1, connection.createArrayOf("text", channels));
                        send.setArray(2, connection.createArrayOf("text", topics));
                        send.execute();
                        return null;
                    }
                });
                return;
            } catch (Transactions.StatementFailed e) {
                failure = e;
            }
        }
        LOG.warnf("%d signals not sent to the other replicas (%s); their waiters find the work when they look again",
                distinct.size(), failure.getMessage());
    }
}
