package dev.paddock.agent;

import dev.paddock.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * A runner's final report is stored with the values of the job's secrets masked, as its log lines
 * are: in every text of the job (summary, error, result, issues, metrics, actions, the raw report
 * with its final lines) and so in the job's events, which webhooks carry (API.md: event data never
 * holds a secret value). The runner sending the same report again is answered as the first time.
 */
@QuarkusTest
class SecretsInReportsTest {

    private static final String SECRET = "hunter2-in-a-report";

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyTextOfTheReportIsStoredMasked() throws Exception {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String jobId = api.enqueue(Map.of("type", "scan", "secrets", Map.of("TOKEN", SECRET, "SHORT", "hunter2")));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        String base = "/api/runners/jobs/" + jobId;
        Map<String, Object> report = Map.of("status", "failed", "summary", "pushed with " + SECRET,
                "error", "exit 1: " + SECRET + " rejected", "result", Map.of("note", SECRET, SECRET, 1),
                "issues", List.of(Map.of("severity", "error", "type", "leak", "file", "a.env", "line", 1,
                        "message", "found " + SECRET)),
                "metrics", Map.of("token", SECRET), "actions_taken", List.of("rotated " + SECRET),
                "logs", List.of("final line " + SECRET));

        Api.runner(runner.token()).header("X-Lease-Id", lease).body(report).post(base + "/result").then()
                .statusCode(200).body("job.status", equalTo("failure")).body("job.summary", equalTo("pushed with ***"))
                .body(not(containsString("hunter2")));
        // the same report again answers the same; another is refused
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(report).post(base + "/result").then()
                .statusCode(200).body("job.error", equalTo("exit 1: *** rejected"));
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "failed", "summary", SECRET))
                .post(base + "/result").then().statusCode(409);

        api.person().get("/api/jobs/" + jobId).then().statusCode(200)
                .body("job.result.note", equalTo("***")).body("job.issues[0].message", equalTo("found ***"))
                .body(not(containsString("hunter2")));
        api.person().get("/api/jobs/" + jobId + "/logs").then().statusCode(200)
                .body("logs[0].message", equalTo("final line ***"));
        api.person().get("/api/events?type=paddock.job.finished").then().statusCode(200)
                .body(containsString(jobId)).body(not(containsString("hunter2")));

        assertThat(stored(jobId)).isNotEmpty().noneMatch(text -> text.contains("hunter2"));
    }

    @Test
    void aJobWithoutSecretsKeepsItsReportAsSent() {
        Api api = Api.newTenant();
        Api.RunnerRef runner = api.onlineRunner(List.of(), 1);
        String jobId = api.enqueue(Map.of("type", "scan"));
        String lease = (String) Api.claimOne(runner.token()).get("lease_id");
        Api.runner(runner.token()).header("X-Lease-Id", lease).body(Map.of("status", "success", "summary", "***-free " + SECRET))
                .post("/api/runners/jobs/" + jobId + "/result").then().statusCode(200)
                .body("job.summary", equalTo("***-free " + SECRET));
    }

    /** Every text column of the job's row and of its events, as PostgreSQL stores them. */
    private List<String> stored(String jobId) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT concat_ws(' ', summary, error, report::text, result::text, issues::text, metrics::text,
                                      actions_taken::text) FROM jobs WHERE id = ?
                     UNION ALL
                     SELECT resource::text || ' ' || coalesce(details::text, '') FROM events WHERE subject = ?""")) {
            select.setObject(1, UUID.fromString(jobId));
            select.setObject(2, UUID.fromString(jobId));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    texts.add(rows.getString(1));
                }
            }
        }
        return texts;
    }
}
