package dev.paddock.common;

import io.quarkus.logging.LoggingFilter;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Every console log record leaves as one line that a caller cannot forge and that holds no SQL
 * or request data: control characters are escaped (a value with a newline cannot start a fake
 * record), and an attached exception becomes one line: the chain of its types with their messages,
 * except those of database exceptions, which carry SQL text and parameter values, and the first
 * frame of Paddock's code. With
 * {@code paddock.log.stack-traces=true} (dev) the full stack trace is kept.
 */
@LoggingFilter(name = "paddock-log-hygiene")
public final class LogHygiene implements Filter {

    private static final SimpleFormatter PLAIN = new SimpleFormatter();
    private static final int MAX_MESSAGE = 300;

    private final boolean stackTraces;

    public LogHygiene(@ConfigProperty(name = "paddock.log.stack-traces", defaultValue = "false") boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : PLAIN.formatMessage(record);
        Throwable thrown = record.getThrown();
        String line = escape(message);
        if (thrown != null && !stackTraces) {
            line += " [" + summary(thrown) + "]";
            record.setThrown(null);
        }
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(line, ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(line);
        }
        record.setParameters(null);
        return true;
    }

    /** Control characters (C0, DEL, C1) and the Unicode line separators as a backslash-u escape. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (control) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * {@code a.B: message <- java.sql.SQLException (SQLState 08001) at dev.paddock.x.Y.m(Y.java:12)}.
     * Messages of database and persistence exceptions are left out: they quote SQL and bound
     * values; other messages (a missing setting, a refused connection) are what an operator needs.
     */
    static String summary(Throwable thrown) {
        StringBuilder chain = new StringBuilder();
        StackTraceElement ours = null;
        int depth = 0;
        for (Throwable t = thrown; t != null && depth++ < 16; t = t.getCause()) {
            if (!chain.isEmpty()) {
                chain.append(" <- ");
            }
            chain.append(t.getClass().getName());
            if (t instanceof java.sql.SQLException sql) {
                chain.append(" (SQLState ").append(sql.getSQLState()).append(')');
            } else if (t.getMessage() != null && !quotesSql(t)) {
                String message = t.getMessage();
                chain.append(": ").append(escape(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message));
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (ours == null && frame.getClassName().startsWith("dev.paddock.")) {
                    ours = frame;
                }
            }
        }
        return ours == null ? chain.toString() : chain + " at " + ours;
    }

    private static boolean quotesSql(Throwable t) {
        String type = t.getClass().getName();
        return type.startsWith("org.postgresql.") || type.startsWith("io.agroal.") || type.startsWith("org.flywaydb.");
    }
}
