package dev.paddock.joblog;

import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log lines live and die with their job: an operator deleting old jobs (the service never does)
 * deletes their lines too, in one statement for many jobs, and leaves other jobs' lines alone.
 */
@QuarkusTest
class LogStorageTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void deletingJobsDeletesTheirLinesAndNoOthers() throws SQLException {
        Api api = Api.newTenant();
        Api.RunningJob first = api.runningJob();
        Api.RunningJob second = api.runningJob();
        Api.RunningJob kept = api.runningJob();
        for (Api.RunningJob job : List.of(first, second, kept)) {
            Api.runner(job.runner().token()).header("X-Lease-Id", job.lease())
                    .body(Map.of("lines", List.of("one", "two", "three")))
                    .post("/api/runners/jobs/" + job.jobId() + "/logs").then().statusCode(200);
        }
        assertThat(linesOf(first.jobId())).isEqualTo(3);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM jobs WHERE id IN (?, ?)")) {
            delete.setObject(1, UUID.fromString(first.jobId()));
            delete.setObject(2, UUID.fromString(second.jobId()));
            assertThat(delete.executeUpdate()).isEqualTo(2);
        }
        assertThat(linesOf(first.jobId())).isZero();
        assertThat(linesOf(second.jobId())).isZero();
        assertThat(linesOf(kept.jobId())).isEqualTo(3);
    }

    /**
     * A numbered batch checks that the rows it read end at the job's next number (else another
     * append committed meanwhile, and it appends again under the lock): a log an operator deleted
     * rows of by hand never ends there, and must still take lines, numbered on.
     */
    @Test
    void aLogWhoseRowsWereDeletedByHandStillTakesNumberedLines() throws SQLException {
        Api api = Api.newTenant();
        Api.RunningJob job = api.runningJob();
        String logs = "/api/runners/jobs/" + job.jobId() + "/logs";
        Api.runner(job.runner().token()).header("X-Lease-Id", job.lease())
                .body(Map.of("lines", List.of("one", "two"), "offset", 0)).post(logs).then().statusCode(200);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM job_log_batches WHERE job_id = ?")) {
            delete.setObject(1, UUID.fromString(job.jobId()));
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
        Api.runner(job.runner().token()).header("X-Lease-Id", job.lease())
                .body(Map.of("lines", List.of("three"), "offset", 2)).post(logs).then().statusCode(200);
        api.person().get("/api/jobs/" + job.jobId() + "/logs").then().statusCode(200)
                .body("logs.message", org.hamcrest.Matchers.contains("three"))
                .body("logs.seq", org.hamcrest.Matchers.contains(3));
    }

    private long linesOf(String jobId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM job_logs WHERE job_id = ?")) {
            count.setObject(1, UUID.fromString(jobId));
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
