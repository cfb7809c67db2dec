package dev.paddock.runneragent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The agent's own log: one line per event on stderr, with a UTC timestamp. Never given a token:
 * callers pass what happened, not the requests they made.
 */
final class AgentLog {

    private AgentLog() {
    }

    static void info(String message) {
        write("INFO", message);
    }

    static void warn(String message) {
        write("WARN", message);
    }

    static void error(String message) {
        write("ERROR", message);
    }

    private static void write(String level, String message) {
        String oneLine = message.replace("\r", "\\r").replace("\n", "\\n");
        String line = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + oneLine;
        synchronized (System.err) {
            System.err.println(line);
        }
    }
}
