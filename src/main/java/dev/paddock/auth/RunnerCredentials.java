package dev.paddock.auth;

import dev.paddock.common.Batcher;
import dev.paddock.common.PaddockConfig;
import dev.paddock.db.Transactions;
import dev.paddock.runner.RunnerStore;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the runner behind a token, and records the call as the runner's sign of life.
 * <p>
 * Tokens are resolved from memory once seen; a token regenerated, or a runner deleted, marked
 * offline or deregistered, is dropped at once on this replica ({@link #forget}) and, through
 * NOTIFY, on every other one. A sign of life is written at once when this replica has not
 * written one for the runner within half of {@code paddock.runners.offline-after}, or has
 * forgotten it since: a runner the liveness sweep (which needs a whole offline-after of silence)
 * or a person marked offline is back at its next call. Otherwise its time is folded into one
 * batched UPDATE every quarter second ({@link #GATHER}), keeping liveness accurate to well under a second
 * without a statement, or a commit, per call. The statements are {@link RunnerStore}'s.
 */
@ApplicationScoped
public class RunnerCredentials {

    private static final Logger LOG = Logger.getLogger(RunnerCredentials.class);
    private static final Duration GATHER = Duration.ofMillis(250);

    @Inject
    RunnerStore store;

    @Inject
    Transactions transactions;

    @Inject
    Signals signals;

    @Inject
    SignalSender sender;

    @Inject
    PaddockConfig config;

    /** A token seen before, and when this replica last wrote the runner's sign of life. */
    private record Known(AuthenticatedRunner runner, long stampedAt) {
    }

    /**
     * A token's SHA-256 as a map key, hashed and compared as four longs: wrapped in a ByteBuffer it
     * was hashed byte by byte on every call (2.5 % of a heartbeat's CPU).
     */
    private record TokenKey(long a, long b, long c, long d) {
        static TokenKey of(byte[] sha256) {
            ByteBuffer bytes = ByteBuffer.wrap(sha256);
            return new TokenKey(bytes.getLong(0), bytes.getLong(8), bytes.getLong(16), bytes.getLong(24));
        }
    }

    private final ConcurrentHashMap<TokenKey, Known> byToken = new ConcurrentHashMap<>();
    private Batcher<UUID> lateSignsOfLife;
    /** How long a sign of life written at once keeps the runner's later ones batched: half of offline-after. */
    private long batchedForNanos;

    @PostConstruct
    void init() {
        batchedForNanos = config.runners().offlineAfter().toNanos() / 2;
        lateSignsOfLife = new Batcher<>("paddock-signs-of-life", 1, 100_000, GATHER, this::write);
    }

    void start(@Observes StartupEvent event) {
        signals.onRunnerChanged(runnerId -> {
            if (runnerId == null) {
                byToken.clear();
            } else {
                forgetLocally(UUID.fromString(runnerId));
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        List<UUID> left = lateSignsOfLife.stop();
        if (!left.isEmpty()) {
            write(left);
        }
    }

    /**
     * The runner holding this token, with the call counted as its sign of life unless the caller
     * records it itself ({@code recordSignOfLife} false); empty for an unknown token. A token seen
     * recently (see the class) costs no statement; otherwise one autocommitted UPDATE finds the
     * runner and stamps it, outside any caller's transaction.
     */
    public Optional<AuthenticatedRunner> authenticate(byte[] tokenHash, boolean recordSignOfLife) {
        AuthenticatedRunner known = fromMemory(tokenHash, recordSignOfLife);
        if (known != null) {
            return Optional.of(known);
        }
        TokenKey key = TokenKey.of(tokenHash);
        long now = System.nanoTime();
        // a heartbeat writes its runner's report and status itself: stamping it here first would
        // bring an offline runner online, and announce it, before the report says draining
        Optional<RunnerStore.Holder> holder = recordSignOfLife ? store.signOfLife(tokenHash) : store.holderOfToken(tokenHash);
        if (holder.isEmpty()) {
            byToken.remove(key);
            return Optional.empty();
        }
        AuthenticatedRunner runner = new AuthenticatedRunner(holder.get().id(), holder.get().tenant());
        if (!holder.get().ephemeral()) {
            // an ephemeral runner is deleted by the statement that ends its job, which tells no
            // cache: its token is looked up on each call, so it dies at once on every replica
            byToken.put(key, new Known(runner, now));
        }
        return Optional.of(runner);
    }

    /**
     * {@link #authenticate} when it needs no statement (a token seen recently, see the class), so
     * without blocking: the runner, or null when only the database can tell.
     */
    public AuthenticatedRunner fromMemory(byte[] tokenHash, boolean recordSignOfLife) {
        Known known = byToken.get(TokenKey.of(tokenHash));
        if (known == null || recordSignOfLife && System.nanoTime() - known.stampedAt() >= batchedForNanos) {
            return null;
        }
        if (recordSignOfLife) {
            lateSignsOfLife.add(known.runner().id());
        }
        return known.runner();
    }

    /**
     * The runner {@code runnerId} of {@code tenant} when the API key {@code keyId} registered it:
     * the key acting as that runner (DIALECTS.md). Keys are not cached, so neither is this; the
     * call is the runner's sign of life unless the route records it itself, and counts against the
     * runner's rate as its token's calls do.
     */
    public Optional<AuthenticatedRunner> authenticateForKey(UUID keyId, String tenant, UUID runnerId,
                                                            boolean recordSignOfLife) {
        if (recordSignOfLife) {
            return store.signOfLifeForKey(keyId, tenant, runnerId)
                    .map(holder -> new AuthenticatedRunner(holder.id(), holder.tenant()));
        }
        String find = "SELECT id, tenant FROM runners WHERE id = ? AND tenant = ? AND registered_with_key = ?";
        return transactions.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(find)) {
                statement.setObject(1, runnerId);
                statement.setString(2, tenant);
                statement.setObject(3, keyId);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(new AuthenticatedRunner(runnerId, row.getString(2)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Who of an API key's runners holds a job: ai-review's task calls name no runner (DIALECTS.md §1). */
    public sealed interface JobHolder {
        /** The job's runner (holding it now, or the last to, once it is final) was registered with the key. */
        record Holder(UUID runner) implements JobHolder {
        }

        /** A runner of the key held an earlier attempt; another one, or nobody, holds the job now. */
        record HeldBefore() implements JobHolder {
        }

        /** No runner of the key ever held the job, or there is no such job in the tenant. */
        record Never() implements JobHolder {
        }
    }

    public JobHolder jobHolderForKey(UUID keyId, String tenant, UUID jobId) {
        String find = """
                SELECT (SELECT r.id FROM runners r WHERE r.id = j.runner_id AND r.registered_with_key = ?) AS holder,
                       EXISTS (SELECT 1 FROM runners r WHERE r.id = ANY (j.held_by) AND r.registered_with_key = ?) AS held
                  FROM jobs j
                 WHERE j.id = ? AND j.tenant = ?""";
        return transactions.run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(find)) {
                statement.setObject(1, keyId);
                statement.setObject(2, keyId);
                statement.setObject(3, jobId);
                statement.setString(4, tenant);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return new JobHolder.Never();
                    }
                    UUID holder = row.getObject(1, UUID.class);
                    return holder != null ? new JobHolder.Holder(holder)
                            : row.getBoolean(2) ? new JobHolder.HeldBefore() : new JobHolder.Never();
                }
            }
        });
    }

    /**
     * The runner's token or liveness changed (regenerated, deleted, marked offline, deregistered):
     * this replica forgets it now, every other one when the calling transaction commits. Sent
     * inside that transaction, unlike the wake-ups of {@code SignalSender}: a revoked token must
     * not outlive its revocation on any replica, and these are rare enough that serializing their
     * commits costs nothing.
     */
    public void forget(UUID runnerId) {
        forgetLocally(runnerId);
        sender.withinTransaction(Signals.RUNNERS_CHANNEL, runnerId.toString());
    }

    private void forgetLocally(UUID runnerId) {
        byToken.values().removeIf(known -> known.runner().id().equals(runnerId));
    }

    private void write(List<UUID> signs) {
        Set<UUID> runners = new LinkedHashSet<>(signs);
        try {
            store.lateSignsOfLife(runners);
        } catch (Transactions.StatementFailed e) {
            lateSignsOfLife.addAll(runners);
            LOG.warnf("Signs of life not written (%s); they are retried with the next batch", e.getMessage());
        }
    }
}
