package dev.paddock.signal;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wake-ups across replicas through PostgreSQL LISTEN/NOTIFY. Each replica keeps one listening
 * connection (outside the pool) on one platform thread; waiters are futures keyed by topic (a
 * tenant for new queued jobs, a job id for new log lines), so a waiting request holds neither a
 * connection nor a thread. {@link SignalSender} sends them once the writing transaction commits.
 * While that connection is down the replica reports itself not
 * ready ({@link ListeningReadiness}), and it reconnects by itself.
 */
@ApplicationScoped
public class Signals {

    public static final String JOBS_CHANNEL = "paddock_jobs";
    public static final String LOGS_CHANNEL = "paddock_logs";
    /** A tenant's events were numbered (topic: {@link #eventsTopic}): event streams read on. */
    public static final String EVENTS_CHANNEL = "paddock_events";
    /** A runner's credentials or liveness changed (payload: its id): caches drop what they hold of it. */
    public static final String RUNNERS_CHANNEL = "paddock_runners";
    /** Agent calls counted on one replica, for the others' rate limits (payload: see AgentCallLimit). */
    public static final String AGENT_CALLS_CHANNEL = "paddock_agent_calls";
    /** Channels whose payloads go to listeners rather than waking waiters. */
    private static final List<String> LISTENED_CHANNELS = List.of(RUNNERS_CHANNEL, AGENT_CALLS_CHANNEL);
    private static final Logger LOG = Logger.getLogger(Signals.class);
    /** A silent connection is probed this often, so a dead one is noticed without waiting for traffic. */
    private static final long PROBE_EVERY_MILLIS = 5_000;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile boolean listening;
    private Thread listener;

    /**
     * First of the start's observers: readiness waits for the listening connection, and the
     * others' work (the sequencer, the dispatcher, the caches) goes on while it connects.
     */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        listener = Thread.ofPlatform().daemon().name("paddock-listen").start(this::listenLoop);
    }

    /**
     * SIGTERM: readiness goes down and the shutdown delay starts; release every waiting long poll
     * and log stream now, so they answer before the server stops taking in-flight requests.
     */
    void draining(@Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        stop(null);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        wakeAll();
        if (listener != null) {
            listener.interrupt();
        }
    }

    public static String tenantTopic(String tenant) {
        return "t:" + tenant;
    }

    public static String jobTopic(java.util.UUID jobId) {
        return "j:" + jobId;
    }

    public static String eventsTopic(String tenant) {
        return "e:" + tenant;
    }

    public boolean stopping() {
        return stopping;
    }

    /** The listening connection's {@code application_name}: tells this replica's apart in pg_stat_activity. */
    public static String applicationName() {
        return "paddock-listen-" + ProcessHandle.current().pid();
    }

    /** True while the listening connection is up; readiness reports it. */
    public boolean listening() {
        return listening;
    }

    /** A future completed at the next signal on {@code topic}; always {@link #forget} it afterwards. */
    public CompletableFuture<Void> await(String topic) {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        // added inside the map's own step: a set fetched first could be removed by the last waiter
        // leaving (forget) before the add, and the signal would wait in a set nobody wakes
        waiters.compute(topic, (key, set) -> {
            Set<CompletableFuture<Void>> joined = set == null ? ConcurrentHashMap.newKeySet() : set;
            joined.add(signal);
            return joined;
        });
        if (stopping) {
            signal.complete(null);
        }
        return signal;
    }

    /**
     * {@code listener} hears the id of every runner whose credentials or liveness changed, on any
     * replica, and {@code null} after the connection was lost: then anything may have changed.
     */
    public void onRunnerChanged(Consumer<String> listener) {
        onSignal(RUNNERS_CHANNEL, listener);
    }

    /**
     * {@code listener} hears every payload sent on {@code channel} by any replica (this one too),
     * and {@code null} after the connection was lost: then some may have been missed.
     */
    public void onSignal(String channel, Consumer<String> listener) {
        if (!LISTENED_CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("not a listened channel: " + channel);
        }
        listeners.computeIfAbsent(channel, key -> new CopyOnWriteArrayList<>()).add(listener);
    }

    public void forget(String topic, CompletableFuture<Void> signal) {
        waiters.computeIfPresent(topic, (key, set) -> {
            set.remove(signal);
            return set.isEmpty() ? null : set;
        });
    }

    /** This replica's waiters on {@code topic}, at once; the others hear it through the database. */
    void wakeLocally(String topic) {
        wake(topic);
    }

    private void wake(String topic) {
        Set<CompletableFuture<Void>> set = waiters.remove(topic);
        if (set != null) {
            set.forEach(signal -> signal.complete(null));
        }
    }

    private void wakeAll() {
        waiters.keySet().forEach(this::wake);
    }

    private void listenLoop() {
        while (!stopping) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties());
                 Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + JOBS_CHANNEL);
                statement.execute("LISTEN " + LOGS_CHANNEL);
                statement.execute("LISTEN " + EVENTS_CHANNEL);
                for (String channel : LISTENED_CHANNELS) {
                    statement.execute("LISTEN " + channel);
                }
                if (!listening) {
                    LOG.info("Listening for wake-ups from every replica");
                }
                listening = true;
                // anything sent while we were not listening is lost: let every waiter look again
                wakeAll();
                listeners.values().forEach(each -> each.forEach(listener -> tell(listener, null)));
                PGConnection pg = connection.unwrap(PGConnection.class);
                long probed = System.currentTimeMillis();
                while (!stopping) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            List<Consumer<String>> heard = listeners.get(notification.getName());
                            if (heard != null) {
                                heard.forEach(listener -> tell(listener, notification.getParameter()));
                            } else if (!LISTENED_CHANNELS.contains(notification.getName())) {
                                wake(notification.getParameter());
                            }
                        }
                    }
                    if (System.currentTimeMillis() - probed > PROBE_EVERY_MILLIS) {
                        statement.execute("SELECT 1");
                        probed = System.currentTimeMillis();
                    }
                }
            } catch (SQLException e) {
                listening = false;
                if (!stopping) {
                    LOG.warnf("Listening connection lost (%s); reconnecting", e.getSQLState());
                    pause();
                }
            }
        }
        listening = false;
    }

    /** A listener's failure is its own: the connection and the other listeners carry on. */
    private static void tell(Consumer<String> listener, String payload) {
        try {
            listener.accept(payload);
        } catch (RuntimeException e) {
            LOG.warnf(e, "A signal listener failed");
        }
    }

    private Properties connectionProperties() {
        Properties properties = new Properties();
        username.ifPresent(user -> properties.setProperty("user", user));
        password.ifPresent(secret -> properties.setProperty("password", secret));
        properties.setProperty("ApplicationName", applicationName());
        return properties;
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
