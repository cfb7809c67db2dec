package dev.paddock.joblog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.QueryParams;
import dev.paddock.common.Times;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** People's reads of a job's log: pages by sequence number, filtered by level and time. */
@ApplicationScoped
public class JobLogReader {

    public static final int MAX_LOG_LIMIT = 10_000;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /** {@code attempt}: which attempt of the job wrote the line (a requeued job's next attempt numbers on). */
    public record LogLine(long seq, int attempt, Instant timestamp, String level, String message, JsonNode data) {
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
        @SuppressWarnings("unchecked")
        List<String> status = em.createNativeQuery("SELECT status FROM jobs WHERE id = ?1 AND tenant = ?2", String.class)
                .setParameter(1, jobId).setParameter(2, tenant).getResultList();
        if (status.isEmpty()) {
            throw ProblemException.notFound("Job");
        }
        return status.get(0);
    }

    /** Lines numbered after {@code after} (all when null), at least {@code minLevel}, from {@code since}. */
    public List<LogLine> read(UUID jobId, Long after, String minLevel, Instant since, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT seq, attempt, timestamp, level, message, CAST(data AS text) FROM job_logs
                 WHERE job_id = ?1 AND seq > ?2
                   AND CASE level WHEN 'debug' THEN 0 WHEN 'info' THEN 1 WHEN 'warn' THEN 2 ELSE 3 END >= ?3
                   AND timestamp >= ?4
                 ORDER BY seq LIMIT ?5""")
                .setParameter(1, jobId)
                .setParameter(2, after == null ? 0L : after)
                .setParameter(3, levelRank(minLevel))
                .setParameter(4, since == null ? Instant.EPOCH : since)
                .setParameter(5, limit)
                .getResultList();
        return lines(rows);
    }

    /**
     * The tenant's job's {@code limit} lines before {@code before} (the last ones when null), in
     * order: a page back from the tail, as the dashboard shows a long log.
     */
    public List<LogLine> before(String tenant, UUID jobId, Long before, int limit) {
        statusOf(tenant, jobId);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT * FROM (SELECT seq, attempt, timestamp, level, message, CAST(data AS text) AS data FROM job_logs
                                WHERE job_id = ?1 AND seq < ?2
                                ORDER BY seq DESC LIMIT ?3) page
                 ORDER BY seq""")
                .setParameter(1, jobId)
                .setParameter(2, before == null ? Long.MAX_VALUE : before)
                .setParameter(3, limit)
                .getResultList();
        return lines(rows);
    }

    private List<LogLine> lines(List<Object[]> rows) {
        List<LogLine> lines = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            lines.add(new LogLine(((Number) row[0]).longValue(), ((Number) row[1]).intValue(), Times.out(toInstant(row[2])),
                    (String) row[3], (String) row[4], parse((String) row[5])));
        }
        return lines;
    }

    private static int levelRank(String level) {
        return level == null ? 0 : switch (level) {
            case "info" -> 1;
            case "warn" -> 2;
            case "error" -> 3;
            default -> 0;
        };
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return null;
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
