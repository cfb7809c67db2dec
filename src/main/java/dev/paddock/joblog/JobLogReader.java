package dev.paddock.joblog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.QueryParams;
import dev.paddock.common.Times;
import dev.paddock.db.Columns;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** People's reads of a job's log: pages by sequence number, filtered by level and time. */
@ApplicationScoped
public class JobLogReader {

    public static final int MAX_LOG_LIMIT = 10_000;

    @Inject
    Transactions transactions;

    @Inject
    ObjectMapper json;

    /** {@code attempt}: which attempt of the job wrote the line (a requeued job's next attempt numbers on). */
    /** {@code data}: any JSON value, as the line was written with it. */
    public record LogLine(long seq, int attempt, Instant timestamp, String level, String message, Object data) {
    }

    @Schema(name = "JobLogs")

    public record Logs(UUID jobId, List<LogLine> logs, long nextAfter) {
    }

    public Logs logs(String tenant, UUID jobId, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        String level = QueryParams.oneOf(query, "level", JobLogWriter.LEVELS, errors);
        Instant since = QueryParams.timestamp(query, "since", errors);
        Integer afterLine = QueryParams.integer(query, "after", 0, Integer.MAX_VALUE, errors);
        Long after = afterLine == null ? null : afterLine.longValue();
        Integer limit = QueryParams.integer(query, "limit", 1, MAX_LOG_LIMIT, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        statusOf(tenant, jobId);
        List<LogLine> lines = read(jobId, after, level, since, limit == null ? 1000 : limit);
        long nextAfter = lines.isEmpty() ? (after == null ? 0 : after) : lines.get(lines.size() - 1).seq();
        return new Logs(jobId, lines, nextAfter);
    }

    /** The job's status, or 404 when it is not the tenant's. */
    public String statusOf(String tenant, UUID jobId) {
        return transactions.first("SELECT status FROM jobs WHERE id = :id AND tenant = :tenant",
                        Map.of("id", jobId, "tenant", tenant), row -> row.getString(1))
                .orElseThrow(() -> ProblemException.notFound("Job"));
    }

    /** Lines numbered after {@code after} (all when null), at least {@code minLevel}, from {@code since}. */
    public List<LogLine> read(UUID jobId, Long after, String minLevel, Instant since, int limit) {
        return transactions.rows("""
                SELECT seq, attempt, timestamp, level, message, data FROM job_logs
                 WHERE job_id = :job AND seq > :after
                   AND CASE level WHEN 'debug' THEN 0 WHEN 'info' THEN 1 WHEN 'warn' THEN 2 ELSE 3 END >= :rank
                   AND timestamp >= :since
                 ORDER BY seq LIMIT :limit""",
                Map.of("job", jobId, "after", after == null ? 0L : after, "rank", levelRank(minLevel),
                        "since", OffsetDateTime.ofInstant(since == null ? Instant.EPOCH : since, ZoneOffset.UTC),
                        "limit", limit),
                this::line);
    }

    /**
     * The tenant's job's {@code limit} lines before {@code before} (the last ones when null), in
     * order: a page back from the tail, as the dashboard shows a long log.
     */
    public List<LogLine> before(String tenant, UUID jobId, Long before, int limit) {
        statusOf(tenant, jobId);
        return transactions.rows("""
                SELECT * FROM (SELECT seq, attempt, timestamp, level, message, data FROM job_logs
                                WHERE job_id = :job AND seq < :before
                                ORDER BY seq DESC LIMIT :limit) page
                 ORDER BY seq""",
                Map.of("job", jobId, "before", before == null ? Long.MAX_VALUE : before, "limit", limit),
                this::line);
    }

    private LogLine line(ResultSet row) throws SQLException {
        Columns columns = Columns.of(row);
        return new LogLine(columns.bigint("seq"), columns.integer("attempt"), Times.out(columns.instant("timestamp")),
                columns.string("level"), columns.string("message"), parse(columns.string("data")));
    }

    private static int levelRank(String level) {
        return level == null ? 0 : switch (level) {
            case "info" -> 1;
            case "warn" -> 2;
            case "error" -> 3;
            default -> 0;
        };
    }

    private JsonNode parse(String data) {
        if (data == null) {
            return null;
        }
        try {
            return json.readTree(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
