package dev.paddock.common;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** What leaves through the console handler: one line, no forged records, no exception messages. */
class LogHygieneTest {

    @Test
    void controlCharactersAreEscapedSoAValueCannotStartAFakeRecord() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "runner %s said %s", ExtLogRecord.FormatStyle.PRINTF, "x");
        record.setParameters(new Object[]{"r1", "ok\n12:00:00.000 ERROR [fake] \u001b[31mowned\u0000\u2028"});

        new LogHygiene(false).isLoggable(record);

        assertThat(record.getFormattedMessage())
                .isEqualTo("runner r1 said ok\\u000a12:00:00.000 ERROR [fake] \\u001b[31mowned\\u0000\\u2028")
                .doesNotContain("\n", "\u001b", "\u0000");
    }

    @Test
    void anExceptionBecomesOneLineWithoutTheMessagesOfDatabaseExceptions() {
        SQLException sql = new SQLException("Batch entry 0 INSERT INTO job_logs VALUES ('secret-value') was aborted", "23505");
        RuntimeException thrown = new IllegalStateException("PADDOCK_SECRETS_KEY is not set\nfake line", sql);
        thrown.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("org.hibernate.Foo", "bar", "Foo.java", 1),
                new StackTraceElement("dev.paddock.joblog.JobLogWriter", "append", "JobLogWriter.java", 42)});
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "Log batch failed", "x");
        record.setThrown(thrown);

        new LogHygiene(false).isLoggable(record);

        assertThat(record.getThrown()).isNull();
        assertThat(record.getFormattedMessage()).isEqualTo("Log batch failed [java.lang.IllegalStateException:"
                + " PADDOCK_SECRETS_KEY is not set\\u000afake line <- java.sql.SQLException (SQLState 23505)"
                + " at dev.paddock.joblog.JobLogWriter.append(JobLogWriter.java:42)]");
    }

    @Test
    void inDevTheStackTraceStays() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "failed", "x");
        RuntimeException thrown = new RuntimeException("detail");
        record.setThrown(thrown);

        new LogHygiene(true).isLoggable(record);

        assertThat(record.getThrown()).isSameAs(thrown);
        assertThat(record.getFormattedMessage()).isEqualTo("failed");
    }
}
