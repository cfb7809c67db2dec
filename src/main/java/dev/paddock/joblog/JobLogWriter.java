package dev.paddock.joblog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.paddock.common.IsoTimestamps;
import dev.paddock.common.TextLength;
import dev.paddock.dispatch.Fence;
import dev.paddock.dispatch.HeldJobs;
import dev.paddock.db.RowReader;
import dev.paddock.signal.Signals;
import dev.paddock.signal.SignalSender;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.postgresql.util.PSQLException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

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
     * when it may be written (a job with secrets only once its lines are masked), {@code fresh} the
     * lines not already sent, {@code stored} them numbered on from the job's next number. Two
     * statements, each with one stable plan, because a runner either numbers its lines or does not
     * (a single statement for both was replanned for every unnumbered batch: a fifth more of
     * PostgreSQL's CPU a batch, bench/RESULTS.md).
     */
    private static final String BATCH = """
            writer AS (
                SELECT held_id, held_attempt, held_log_next_seq FROM held
                 WHERE writable AND (held_secrets IS NULL OR :masked)),
            fresh AS (
                SELECT l.* FROM writer,
                       unnest(CAST(:clientSeqs AS bigint[]), CAST(:timestamps AS text[]), CAST(:levels AS text[]),
                              CAST(:messages AS text[]), CAST(:data AS text[]))
                       WITH ORDINALITY AS l(client_seq, ts, level, message, data, ord)
            """;

    private static final String STORED = """
                ),
            stored AS (
                INSERT INTO job_logs (job_id, seq, attempt, client_seq, timestamp, level, message, data)
                SELECT writer.held_id, writer.held_log_next_seq + row_number() OVER (ORDER BY ord) - 1,
                       writer.held_attempt, client_seq, CAST(ts AS timestamptz), level, message, CAST(data AS jsonb)
                  FROM fresh, writer
                RETURNING 1)""";

    /** Lines without the runner's numbers: all are new. */
    private static final String INSERT_UNNUMBERED = HeldJobs.appendingToHeldJob(BATCH + STORED);
    /**
     * Lines the runner numbered: those this attempt already sent are left out. They are looked for
     * only among the batch's own numbers, with the attempt as a constant: PostgreSQL may run the NOT
     * EXISTS as one hashed scan of all the condition allows, which without those bounds read every
     * line of the job once a batch (bench/RESULTS.md, the agent's log throughput).
     */
    private static final String INSERT_NUMBERED = HeldJobs.appendingToHeldJob(BATCH + """
                 WHERE NOT EXISTS (
                       SELECT 1 FROM job_logs sent
                        WHERE sent.job_id = :job AND sent.attempt = (SELECT held_attempt FROM writer)
                          AND sent.client_seq BETWEEN :firstClientSeq AND :lastClientSeq
                          AND sent.client_seq = l.client_seq)
            """ + STORED);
    /** The unique index that stores a line a runner numbered once per attempt. */
    private static final String ONCE_PER_CLIENT_SEQ = "uq_job_logs_client_seq";

    @Inject
    HeldJobs heldJobs;

    @Inject
    Transactions connections;

    @Inject
    SecretCipher cipher;

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
        Appended appended;
        try {
            appended = store(runnerId, tenant, jobId, fence, lines, offset);
        } catch (Transactions.StatementFailed failure) {
            if (!storedMeanwhile(failure)) {
                throw failure;
            }
            // A copy of the batch was stored while the statement waited for the job's lock, after it
            // had looked for lines already sent: look again, under the lock, with a fresh snapshot.
            appended = connections.inTransaction(() -> {
                heldJobs.hold(runnerId, tenant, jobId);
                return store(runnerId, tenant, jobId, fence, lines, offset);
            });
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
     * second writes the lines masked.
     */
    private Appended store(UUID runnerId, String tenant, UUID jobId, Fence fence, List<Line> lines,
                           Long offset) {
        RowReader<Long> stored = row -> row.getObject("stored", Long.class);
        String insert = offset == null ? INSERT_UNNUMBERED : INSERT_NUMBERED;
        HeldJobs.Call<Long> call = heldJobs.change(runnerId, tenant, jobId, fence, insert,
                parameters(lines, offset, List.of(), false), stored);
        if (call.changed() == null) {
            call = heldJobs.change(runnerId, tenant, jobId, fence, insert,
                    parameters(lines, offset, secretValues(call.held()), true), stored);
        }
        if (call.changed() == null) {
            throw new IllegalStateException("job " + jobId + " took no lines though it was writable under our lock");
        }
        return new Appended(call.held().logNextSeq(), call.changed());
    }

    private static Map<String, Object> parameters(List<Line> lines, Long offset, List<String> secrets, boolean masked) {
        int size = lines.size();
        Long[] clientSeqs = new Long[size];
        String[] timestamps = new String[size];
        String[] levels = new String[size];
        String[] messages = new String[size];
        String[] data = new String[size];
        for (int i = 0; i < size; i++) {
            Line line = lines.get(i);
            clientSeqs[i] = offset == null ? null : offset + i;
            timestamps[i] = i > 0 && line.timestamp().equals(lines.get(i - 1).timestamp())
                    ? timestamps[i - 1] : line.timestamp().toString();
            levels[i] = line.level();
            messages[i] = mask(line.message(), secrets);
            data[i] = line.data() == null ? null : maskTree(line.data(), secrets).toString();
        }
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("clientSeqs", clientSeqs);
        if (offset != null) {
            parameters.put("firstClientSeq", offset);
            parameters.put("lastClientSeq", offset + size - 1);
        }
        parameters.put("timestamps", timestamps);
        parameters.put("levels", levels);
        parameters.put("messages", messages);
        parameters.put("data", data);
        parameters.put("masked", masked);
        return parameters;
    }

    /** The statement failed on a line of this attempt already stored under the runner's number for it. */
    private static boolean storedMeanwhile(Transactions.StatementFailed failure) {
        return failure.getCause() instanceof PSQLException e && "23505".equals(e.getSQLState())
                && e.getServerErrorMessage() != null
                && ONCE_PER_CLIENT_SEQ.equals(e.getServerErrorMessage().getConstraint());
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
        return mapTexts(node, JobLogWriter::withoutNul);
    }

    private List<String> secretValues(HeldJobs.Held job) {
        if (job.secrets() == null) {
            return List.of();
        }
        Map<String, String> secrets = cipher.decrypt(job.secrets());
        // longest first, so a secret containing another is masked whole
        return secrets.values().stream().filter(value -> value != null && !value.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Masks secrets inside the string values (and keys) of structured data, keeping it valid JSON. */
    static JsonNode maskTree(JsonNode node, List<String> secrets) {
        return secrets.isEmpty() ? node : mapTexts(node, text -> mask(text, secrets));
    }

    /**
     * The tree with {@code change} applied to every text and key; a number or boolean whose text it
     * changes becomes that text; a text it leaves alone keeps its node.
     */
    private static JsonNode mapTexts(JsonNode node, UnaryOperator<String> change) {
        if (node instanceof ObjectNode object) {
            ObjectNode changed = object.objectNode();
            object.properties().forEach(entry -> changed.set(change.apply(entry.getKey()), mapTexts(entry.getValue(), change)));
            return changed;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode changed = array.arrayNode();
            array.forEach(element -> changed.add(mapTexts(element, change)));
            return changed;
        }
        if (node.isValueNode() && !node.isNull()) {
            String text = node.asText();
            String changed = change.apply(text);
            return changed.equals(text) ? node : TextNode.valueOf(changed);
        }
        return node;
    }

    static String mask(String text, List<String> secrets) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        return masked;
    }
}
