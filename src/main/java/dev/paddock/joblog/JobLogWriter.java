package dev.paddock.joblog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.paddock.common.IsoTimestamps;
import dev.paddock.common.JsonTexts;
import dev.paddock.common.TextLength;
import dev.paddock.dispatch.Fence;
import dev.paddock.dispatch.HeldJobs;
import dev.paddock.db.RowReader;
import dev.paddock.signal.Signals;
import dev.paddock.signal.SignalSender;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.secret.SecretMasking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Appends a batch of log lines as its runner's call on the job it holds: one statement locks the
 * job, checks the fence and writes ({@link HeldJobs#appendingToHeldJob}). Lines are numbered by the
 * service, from 1, in the order they arrive, so every reader pages with {@code after} from 0.
 * A runner may number its own lines with {@code offset} (from 0 or from 1, as it likes): a line
 * whose number this attempt of the job already sent is not stored again, so a resent batch is
 * stored once, while the next attempt of a requeued job, numbering from the start again, is stored
 * in full. Values of the job's secrets are masked before anything is stored.
 */
@ApplicationScoped
public class JobLogWriter {

    public static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");
    /** Characters a log line holds at most (the agent splits longer lines). */
    public static final int MAX_MESSAGE = 65536;
    /**
     * The batch's lines, as the runner's call on the job it holds writes them
     * ({@link HeldJobs#appendingToHeldJob}, which also renews the lease): {@code writer} is the job
     * when it may be written (a job with secrets only once its lines are masked). A batch is stored
     * as one row, its lines' fields as arrays (V1.20.0), numbered on from the job's next number.
     * Two statements, each with one stable plan, because a runner either numbers its lines or does
     * not (a single statement for both was replanned for every unnumbered batch: a fifth more of
     * PostgreSQL's CPU a batch, bench/RESULTS.md).
     */
    private static final String WRITER = """
            writer AS (
                SELECT held_id, held_attempt, held_log_next_seq FROM held
                 WHERE writable AND (held_secrets IS NULL OR :masked)""";

    private static final String COLUMNS = """
            INSERT INTO job_log_batches (job_id, first_seq, line_count, attempt, first_client_seq,
                                         timestamps, levels, messages, data)
            """;

    /** Lines without the runner's numbers: all are new, stored as the batch came. */
    private static final String INSERT_UNNUMBERED = HeldJobs.appendingToHeldJob(WRITER + """
                ),
            stored AS (
            """ + COLUMNS + """
                SELECT held_id, held_log_next_seq, cardinality(CAST(:messages AS text[])), held_attempt, NULL,
                       CAST(:timestamps AS timestamptz[]), CAST(:levels AS text[]), CAST(:messages AS text[]),
                       CAST(:data AS jsonb[])
                  FROM writer
                RETURNING line_count AS lines)""");

    /**
     * Lines the runner numbered: those this attempt already sent are left out, and each run of
     * new numbers is stored as a row of its own, so that a row's lines are numbered by the runner
     * without gaps and no two rows of an attempt share a number. The rows that may hold the batch's
     * numbers are found by the index on the runner's numbers: those starting within the batch, and
     * the last one starting before it.
     * <p>
     * The rows already stored are read in the statement's snapshot, taken before it waited for the
     * job's lock, while the job's row is read as it is once locked: when another append of the job
     * committed in between, the last row in the snapshot does not end at the job's next number,
     * {@code writer} has no row, and the caller appends again under the lock ({@link #append}),
     * where the snapshot is taken after the lock and the check is left out ({@code :underLock}): a
     * log whose rows were deleted by hand must still take lines.
     */
    static final String INSERT_NUMBERED = HeldJobs.appendingToHeldJob(WRITER + """

                   AND (:underLock OR held_log_next_seq = coalesce(
                           (SELECT last.first_seq + last.line_count FROM job_log_batches last
                             WHERE last.job_id = :job ORDER BY last.first_seq DESC LIMIT 1), 1))),
            sent AS (
                SELECT s.first_client_seq, s.line_count FROM job_log_batches s
                 WHERE s.job_id = :job AND s.attempt = (SELECT held_attempt FROM writer)
                   AND s.first_client_seq <= :lastClientSeq
                   AND s.first_client_seq >= coalesce(
                           (SELECT max(before.first_client_seq) FROM job_log_batches before
                             WHERE before.job_id = :job AND before.attempt = (SELECT held_attempt FROM writer)
                               AND before.first_client_seq <= :firstClientSeq), :firstClientSeq)),
            fresh AS (
                SELECT l.*, row_number() OVER (ORDER BY l.ord) AS n FROM writer,
                       unnest(CAST(:timestamps AS text[]), CAST(:levels AS text[]), CAST(:messages AS text[]),
                              CAST(:data AS text[]))
                       WITH ORDINALITY AS l(ts, level, message, data, ord)
                 WHERE NOT EXISTS (SELECT 1 FROM sent
                                    WHERE :firstClientSeq + l.ord - 1 >= sent.first_client_seq
                                      AND :firstClientSeq + l.ord - 1 < sent.first_client_seq + sent.line_count)),
            stored AS (
            """ + COLUMNS + """
                SELECT writer.held_id, writer.held_log_next_seq + min(n) - 1, count(*), writer.held_attempt,
                       :firstClientSeq + min(ord) - 1,
                       array_agg(CAST(ts AS timestamptz) ORDER BY ord), array_agg(level ORDER BY ord),
                       array_agg(message ORDER BY ord),
                       CASE WHEN bool_or(data IS NOT NULL) THEN array_agg(CAST(data AS jsonb) ORDER BY ord)
                            ELSE CAST('{}' AS jsonb[]) END
                  FROM fresh, writer
                 GROUP BY writer.held_id, writer.held_log_next_seq, writer.held_attempt, ord - n
                RETURNING line_count AS lines)""");

    @Inject
    HeldJobs heldJobs;

    @Inject
    Transactions connections;

    @Inject
    SecretMasking masking;

    @Inject
    SignalSender signals;

    @Inject
    ObjectMapper json;

    record Line(Instant timestamp, String level, String message, JsonNode data) {
    }

    /**
     * Stores the lines of the runner's call on a job it holds, running, under the {@code fence}
     * (404, 409 lease-lost, 409 job-cancelled or job-timeout otherwise), and renews the job's lease.
     *
     * @param field  the request's name for the lines, which errors name ({@code lines[2].message})
     * @param offset the runner's number for the first line, or null when it does not number them
     * @return the next offset: the runner's number for its next line (the service's, without offset)
     */
    public long append(UUID runnerId, String tenant, UUID jobId, Fence fence, String field, List<JsonNode> rawLines,
                       Long offset) {
        List<Line> lines = parse(field, rawLines);
        Appended appended = store(runnerId, tenant, jobId, fence, lines, offset, false);
        if (appended == null) {
            // another append of the job committed while this one waited for the job's lock, and this
            // statement's snapshot could not see what it stored: again, under the lock, afresh
            appended = connections.inTransaction(() -> {
                heldJobs.hold(runnerId, tenant, jobId);
                return store(runnerId, tenant, jobId, fence, lines, offset, true);
            });
            if (appended == null) {
                throw new IllegalStateException("job " + jobId + " took no lines though it was writable under our lock");
            }
        }
        if (appended.stored() > 0) {
            signals.afterCommit(Signals.LOGS_CHANNEL, Signals.jobTopic(jobId));
        }
        return offset == null ? appended.firstSeq() + appended.stored() : offset + lines.size();
    }

    private record Appended(long firstSeq, long stored) {
    }

    /**
     * One statement; two when the job has secrets: the first learns them and writes nothing, the
     * second writes the lines masked. Null when the job could take the lines but the statement did
     * not write them: it saw the job's log as it was before another append (see {@link #INSERT_NUMBERED}).
     */
    private Appended store(UUID runnerId, String tenant, UUID jobId, Fence fence, List<Line> lines,
                           Long offset, boolean underLock) {
        RowReader<Long> stored = row -> row.getObject("stored", Long.class);
        String insert = offset == null ? INSERT_UNNUMBERED : INSERT_NUMBERED;
        HeldJobs.Call<Long> call = heldJobs.change(runnerId, tenant, jobId, fence, insert,
                parameters(lines, offset, null, underLock), stored);
        if (call.changed() == null && call.held().secrets() != null) {
            call = heldJobs.change(runnerId, tenant, jobId, fence, insert,
                    parameters(lines, offset, masking.of(call.held().secrets()), underLock), stored);
        }
        return call.changed() == null ? null : new Appended(call.held().logNextSeq(), call.changed());
    }

    /** The statement's parameters; {@code mask} null when the lines are sent as they came (not masked). */
    private static Map<String, Object> parameters(List<Line> lines, Long offset, SecretMasking.Mask mask,
                                                  boolean underLock) {
        int size = lines.size();
        String[] timestamps = new String[size];
        String[] levels = new String[size];
        String[] messages = new String[size];
        String[] data = new String[size];
        boolean anyData = false;
        for (int i = 0; i < size; i++) {
            Line line = lines.get(i);
            timestamps[i] = i > 0 && line.timestamp().equals(lines.get(i - 1).timestamp())
                    ? timestamps[i - 1] : line.timestamp().toString();
            levels[i] = line.level();
            messages[i] = mask == null ? line.message() : mask.text(line.message());
            data[i] = line.data() == null ? null : (mask == null ? line.data() : mask.tree(line.data())).toString();
            anyData |= line.data() != null;
        }
        Map<String, Object> parameters = new HashMap<>();
        if (offset != null) {
            parameters.put("firstClientSeq", offset);
            parameters.put("lastClientSeq", offset + size - 1);
            parameters.put("underLock", underLock);
        }
        parameters.put("timestamps", timestamps);
        parameters.put("levels", levels);
        parameters.put("messages", messages);
        // a batch without data stores none: an empty array, which reads as null for every line
        parameters.put("data", anyData ? data : new String[0]);
        parameters.put("masked", mask != null);
        return parameters;
    }

    private List<Line> parse(String name, List<JsonNode> rawLines) {
        List<FieldError> errors = new ArrayList<>();
        List<Line> lines = new ArrayList<>(rawLines.size());
        Instant now = Instant.now();
        String lastText = null;
        Instant lastTimestamp = null;
        for (int i = 0; i < rawLines.size(); i++) {
            JsonNode raw = rawLines.get(i);
            String field = name + "[" + i + "]";
            if (raw instanceof TextNode text) {
                lines.add(new Line(now, "info", checkLength(text.asText(), field, errors), null));
                continue;
            }
            if (!(raw instanceof ObjectNode object)) {
                errors.add(new FieldError(field, "must be a string or an object {timestamp, level, message, data}"));
                continue;
            }
            JsonNode message = object.get("message");
            if (message == null || !message.isTextual()) {
                errors.add(new FieldError(field + ".message", "must be a string"));
                continue;
            }
            String level = object.hasNonNull("level") ? object.get("level").asText().toLowerCase() : "info";
            if ("warning".equals(level)) {
                level = "warn";
            }
            if (!LEVELS.contains(level)) {
                errors.add(new FieldError(field + ".level", "must be one of debug, info, warn, error"));
            }
            Instant timestamp = now;
            if (object.hasNonNull("timestamp")) {
                String text = object.get("timestamp").asText();
                if (text.equals(lastText)) { // lines of one millisecond share their timestamp
                    timestamp = lastTimestamp;
                } else {
                    try {
                        timestamp = IsoTimestamps.parse(text);
                        lastText = text;
                        lastTimestamp = timestamp;
                    } catch (DateTimeParseException e) {
                        errors.add(new FieldError(field + ".timestamp", "must be an ISO-8601 timestamp"));
                    }
                }
            }
            JsonNode data = object.get("data");
            lines.add(new Line(timestamp, level, checkLength(message.asText(), field + ".message", errors),
                    data == null || data.isNull() ? null : withoutNul(data)));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return lines;
    }

    private static String checkLength(String message, String field, List<FieldError> errors) {
        if (TextLength.of(message) > MAX_MESSAGE) {
            errors.add(new FieldError(field, "must be at most " + MAX_MESSAGE + " characters"));
        }
        return withoutNul(message);
    }

    /**
     * PostgreSQL stores no NUL in text or jsonb, and a program's output may hold one (binary
     * output, a C string written whole): in a log line it becomes U+FFFD and the line is kept,
     * where any other field refuses it (API.md, Conventions).
     */
    static String withoutNul(String text) {
        return text.indexOf(0) < 0 ? text : text.replace((char) 0, '\uFFFD');
    }

    /** A log line, or its data, with every NUL of its texts and keys replaced ({@link #withoutNul(String)}). */
    public static JsonNode withoutNul(JsonNode node) {
        return JsonTexts.map(node, JobLogWriter::withoutNul);
    }
}
