package dev.paddock.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every Paddock setting; periods and durations are configuration so tests can shorten them. */
@ConfigMapping(prefix = "paddock")
public interface PaddockConfig {

    Auth auth();

    Runners runners();

    Jobs jobs();

    Queue queue();

    Events events();

    Webhooks webhooks();

    Secrets secrets();

    Log log();

    Ui ui();

    Schema schema();

    /** Public base URL of this service for install scripts; taken from the request when absent. */
    Optional<String> serverUrl();

    interface Auth {
        /** JWT claim holding the tenant; {@code sub} when the claim is absent. */
        @WithDefault("tenant")
        String tenantClaim();

        /** Token regenerations allowed per person per hour. */
        @WithDefault("5")
        int regenerateLimitPerHour();

        /** Requests per minute per runner token on the agent routes. */
        @WithDefault("120")
        int agentRequestsPerMinute();
    }

    interface Runners {
        @WithDefault("90s")
        Duration offlineAfter();

        /** An ephemeral runner that has claimed nothing this long after its creation is deleted. */
        @WithDefault("1h")
        Duration ephemeralIdle();
    }

    interface Jobs {
        @WithDefault("120s")
        Duration lease();

        @WithDefault("5s")
        Duration sweepInterval();
    }

    interface Queue {
        /**
         * How often the queue gauges are taken (PADDOCK_QUEUE_GAUGES_INTERVAL): a snapshot reads up
         * to 10,000 claims and every matching runner, 0.1–0.4 s of PostgreSQL's time on a busy
         * database, on every replica; Prometheus scrapes every 15 s or less often.
         */
        @WithDefault("15s")
        Duration gaugesInterval();
    }

    interface Events {
        /** How long events are kept (PADDOCK_EVENTS_RETENTION). */
        @WithDefault("7d")
        Duration retention();
    }

    interface Webhooks {
        /** The waits before each retry of a failed delivery; after the last, the delivery has failed. */
        @WithDefault("5s,5m,30m,2h,5h,10h,10h")
        List<Duration> retrySchedule();

        /** A webhook without a successful delivery for this long is set inactive. */
        @WithDefault("5d")
        Duration disableAfter();

        /** Lets webhooks call loopback, link-local, private and unique-local addresses (tests, closed networks). */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** How long a receiver has to answer: connecting, sending and reading its answer. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * Deliveries this replica sends at once; 0: it sends none (the other replicas do). Sends
         * wait on the network, not the CPU: under load a send took 100 ms on average, so keeping up
         * with a thousand events a second needs about a hundred in flight (bench/webhooks.sh).
         */
        @WithDefault("64")
        int concurrency();
    }

    interface Secrets {
        /** Base64 of 32 bytes (AES-256). */
        Optional<String> key();

        /**
         * Keys that were {@code key} before a rotation (base64, comma-separated): secrets sealed
         * under them still open; new ones are sealed under {@code key} only.
         */
        Optional<List<String>> previousKeys();

        /** Dev and test only: without a key, generate one for this process instead of refusing to start. */
        @WithDefault("false")
        boolean generateWhenMissing();
    }

    interface Ui {
        /** Where the dashboard's pages load htmx from: its WebJar, served by the service (pom.xml's htmx.version). */
        String htmx();
    }

    interface Schema {
        /**
         * False when the schema is somebody else's business: another replica or a deploy step
         * upgrades it, or there is no database (the JVM image's build makes its AOT cache from a
         * start: src/main/docker/Dockerfile.jvm). The start then neither checks nor migrates it.
         */
        @WithDefault("true")
        boolean migrateAtStart();
    }

    interface Log {
        /** Full stack traces in the service log (dev); otherwise one line per exception (LogHygiene). */
        @WithDefault("false")
        boolean stackTraces();
    }
}
