package dev.paddock.joblog;

import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log's rows are found by their keys on the plans PostgreSQL keeps: a page reads the rows of its
 * lines by the primary key, and a numbered append finds the rows that may hold its numbers by the
 * index on the runner's numbers and the job's last row by the primary key, never reading all of a
 * long log's rows (each statement runs once per page or batch, on logs of a million lines).
 */
@QuarkusTest
class LogPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aPageReadsItsRowsByThePrimaryKey() throws Exception {
        String plan = GenericPlans.of(dataSource, JobLogReader.BATCHES,
                GenericPlans.types("job", "uuid", "from", "bigint", "to", "bigint"), List.of(GenericPlans.TABLE_SCAN_LAST));
        assertThat(plan).contains("Index Only Scan Backward using pk_job_log_batches")
                .contains("Index Scan using pk_job_log_batches").doesNotContain("Seq Scan").doesNotContain("Sort");
    }

    @Test
    void aNumberedAppendLooksOnlyAtTheRowsAroundItsNumbers() throws Exception {
        String plan = GenericPlans.of(dataSource, JobLogWriter.INSERT_NUMBERED, GenericPlans.types(
                "job", "uuid", "tenant", "text", "runner", "uuid", "holderSuffices", "boolean", "lease", "text",
                "leaseMillis", "bigint", "masked", "boolean", "underLock", "boolean", "firstClientSeq", "bigint",
                "lastClientSeq", "bigint",
                "timestamps", "text[]", "levels", "text[]", "messages", "text[]", "data", "text[]"),
                List.of(GenericPlans.TABLE_SCAN_LAST));
        assertThat(plan).contains("Index Scan Backward using pk_job_log_batches on job_log_batches last")
                .contains("using uq_job_log_batches_client_seq on job_log_batches s")
                .contains("using uq_job_log_batches_client_seq on job_log_batches before")
                .doesNotContain("Seq Scan on job_log_batches");
    }
}
