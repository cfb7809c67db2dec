package dev.paddock.joblog;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.common.QueryParams;
import dev.paddock.common.Times;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.sql.Timestamp;
import java.time.Instant;
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

    /**
     * The batch rows (V1.20.0) holding the lines numbered from {@code :from} through {@code :to}, in
     * order: those starting in that range, and the last one starting before it. The lines are
     * numbered without gaps, so no other row holds any of them. Both bounds are found by the
     * primary key; the lines are taken out of their rows here, where a page stops once full.
     */
    static final String BATCHES = """
            SELECT first_seq, attempt, timestamps, levels, messages, CAST(data AS text[]) AS data
              FROM job_log_batches
             WHERE job_id = :job AND first_seq <= :to
               AND first_seq >= coalesce((SELECT first_seq FROM job_log_batches
                                           WHERE job_id = :job AND first_seq <= :from
                                           ORDER BY first_seq DESC LIMIT 1), 0)
             ORDER BY first_seq""";

    /** Lines numbered after {@code after} (all when null), at least {@code minLevel}, from {@code since}. */
    public List<LogLine> read(UUID jobId, Long after, String minLevel, Instant since, int limit) {
        int rank = levelRank(minLevel);
        Instant from = since == null ? null : Times.out(since);
        List<LogLine> page = new ArrayList<>();
        long readTo = after == null ? 0 : after;
        int span = limit;
        while (true) {
            long first = readTo + 1;
            List<LogLine> read = lines(jobId, first, first + span - 1);
            if (read.isEmpty() || read.get(read.size() - 1).seq() < first) {
                return page;
            }
            for (LogLine line : read) {
                if (line.seq() >= first && levelRank(line.level()) >= rank
                        && (from == null || !line.timestamp().isBefore(from))) {
                    page.add(line);
                    if (page.size() == limit) {
                        return page;
                    }
                }
            }
            readTo = read.get(read.size() - 1).seq();
            // the filters left the page short: read on in larger steps
            span = MAX_LOG_LIMIT;
        }
    }

    /**
     * The tenant's job's {@code limit} lines before {@code before} (the last ones when null), in
     * order: a page back from the tail, as the dashboard shows a long log.
     */
    public List<LogLine> before(String tenant, UUID jobId, Long before, int limit) {
        long next = transactions.first("SELECT log_next_seq FROM jobs WHERE id = :id AND tenant = :tenant",
                        Map.of("id", jobId, "tenant", tenant), row -> row.getLong(1))
                .orElseThrow(() -> ProblemException.notFound("Job"));
        long end = before == null ? next : Math.min(before, next);
        long first = Math.max(1, end - limit);
        return lines(jobId, first, end - 1).stream().filter(line -> line.seq() >= first && line.seq() < end).toList();
    }

    /** The lines of the rows holding the lines numbered {@code from} through {@code to} (see {@link #BATCHES}). */
    private List<LogLine> lines(UUID jobId, long from, long to) {
        List<LogLine> lines = new ArrayList<>();
        if (to < from) {
            return lines;
        }
        transactions.rows(BATCHES, Map.of("job", jobId, "from", from, "to", to), row -> {
            long first = row.getLong("first_seq");
            int attempt = row.getInt("attempt");
            Timestamp[] timestamps = (Timestamp[]) row.getArray("timestamps").getArray();
            String[] levels = (String[]) row.getArray("levels").getArray();
            String[] messages = (String[]) row.getArray("messages").getArray();
            String[] data = (String[]) row.getArray("data").getArray();
            for (int i = 0; i < messages.length; i++) {
                lines.add(new LogLine(first + i, attempt, Times.out(timestamps[i].toInstant()), levels[i], messages[i],
                        i < data.length ? parse(data[i]) : null));
            }
            return null;
        });
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
