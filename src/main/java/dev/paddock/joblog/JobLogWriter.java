package dev.paddock.joblog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.paddock.dispatch.DispatchStore;
import dev.paddock.dispatch.JobSignals;
import dev.paddock.dispatch.SignalSender;
import dev.paddock.dispatch.TransactionConnection;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends a batch of log lines to a job whose row the caller holds locked, in one statement. Lines are numbered by
 * the service, from 1, in the order they arrive, so every reader pages with {@code after} from 0.
 * A runner may number its own lines with {@code offset} (from 0 or from 1, as it likes): a line
 * whose number this attempt of the job already sent is not stored again, so a resent batch is
 * stored once, while the next attempt of a requeued job, numbering from the start again, is stored
 * in full. Values of the job's secrets are masked before anything is stored.
 */
@ApplicationScoped
public class JobLogWriter {

    public static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");
    private static final int MAX_MESSAGE = 65536;
    /**
     * The lines not already sent, numbered on from the job's next number, which advances by as many.
     * JDBC parameters: see {@link #append}.
     */
    private static final String INSERT = """
            WITH fresh AS (
                SELECT l.* FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                       CAST(? AS text[]))
                                WITH ORDINALITY AS l(client_seq, ts, level, message, data, ord)
                 WHERE l.client_seq IS NULL OR NOT EXISTS (
                       SELECT 1 FROM job_logs sent
                        WHERE sent.job_id = ? AND sent.attempt = ? AND sent.client_seq = l.client_seq)),
            stored AS (
                INSERT INTO job_logs (job_id, seq, attempt, client_seq, timestamp, level, message, data)
                SELECT ?, ? + row_number() OVER (ORDER BY ord) - 1, ?, client_seq, CAST(ts AS timestamptz), level,
                       message, CAST(data AS jsonb)
                  FROM fresh
                RETURNING 1),
            counted AS (SELECT count(*) AS n FROM stored),
            advanced AS (
                UPDATE jobs SET log_next_seq = log_next_seq + counted.n FROM counted
                 WHERE jobs.id = ? AND counted.n > 0)
            SELECT n FROM counted""";

    @Inject
    TransactionConnection connections;

    @Inject
    SecretCipher cipher;

    @Inject
    SignalSender signals;

    @Inject
    ObjectMapper json;

    record Line(Instant timestamp, String level, String message, JsonNode data) {
    }

    /**
     * @param offset the runner's number for the first line, or null when it does not number them
     * @return the next offset: the runner's number for its next line (the service's, without offset)
     */
    public long append(DispatchStore.Held job, List<JsonNode> rawLines, Long offset) {
        List<Line> lines = parse(rawLines);
        List<String> secrets = secretValues(job);
        int size = lines.size();
        Long[] clientSeqs = new Long[size];
        String[] timestamps = new String[size];
        String[] levels = new String[size];
        String[] messages = new String[size];
        String[] data = new String[size];
        for (int i = 0; i < size; i++) {
            Line line = lines.get(i);
            clientSeqs[i] = offset == null ? null : offset + i;
            timestamps[i] = line.timestamp().toString();
            levels[i] = line.level();
            messages[i] = mask(line.message(), secrets);
            data[i] = line.data() == null ? null : maskTree(line.data(), secrets).toString();
        }
        long stored = connections.run(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setArray(1, connection.createArrayOf("bigint", clientSeqs));
                insert.setArray(2, connection.createArrayOf("text", timestamps));
                insert.setArray(3, connection.createArrayOf("text", levels));
                insert.setArray(4, connection.createArrayOf("text", messages));
                insert.setArray(5, connection.createArrayOf("text", data));
                insert.setObject(6, job.id());
                insert.setInt(7, job.attempt());
                insert.setObject(8, job.id());
                insert.setLong(9, job.logNextSeq());
                insert.setInt(10, job.attempt());
                insert.setObject(11, job.id());
                try (ResultSet counted = insert.executeQuery()) {
                    counted.next();
                    return counted.getLong(1);
                }
            }
        });
        if (stored > 0) {
            signals.afterCommit(JobSignals.LOGS_CHANNEL, JobSignals.jobTopic(job.id()));
        }
        return offset == null ? job.logNextSeq() + stored : offset + size;
    }

    private List<Line> parse(List<JsonNode> rawLines) {
        List<FieldError> errors = new ArrayList<>();
        List<Line> lines = new ArrayList<>(rawLines.size());
        Instant now = Instant.now();
        for (int i = 0; i < rawLines.size(); i++) {
            JsonNode raw = rawLines.get(i);
            String field = "lines[" + i + "]";
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
                try {
                    timestamp = OffsetDateTime.parse(object.get("timestamp").asText()).toInstant();
                } catch (DateTimeParseException e) {
                    errors.add(new FieldError(field + ".timestamp", "must be an ISO-8601 timestamp"));
                }
            }
            JsonNode data = object.get("data");
            lines.add(new Line(timestamp, level, checkLength(message.asText(), field + ".message", errors),
                    data == null || data.isNull() ? null : data));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return lines;
    }

    private static String checkLength(String message, String field, List<FieldError> errors) {
        if (message.length() > MAX_MESSAGE) {
            errors.add(new FieldError(field, "must be at most " + MAX_MESSAGE + " characters"));
        } else if (message.indexOf(0) >= 0) {
            errors.add(new FieldError(field, "must not contain the NUL character (\\u0000)"));
        }
        return message;
    }

    private List<String> secretValues(DispatchStore.Held job) {
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
        if (secrets.isEmpty()) {
            return node;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(mask(node.asText(), secrets));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode masked = object.objectNode();
            object.properties().forEach(entry -> masked.set(mask(entry.getKey(), secrets), maskTree(entry.getValue(), secrets)));
            return masked;
        }
        if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            com.fasterxml.jackson.databind.node.ArrayNode masked = array.arrayNode();
            array.forEach(element -> masked.add(maskTree(element, secrets)));
            return masked;
        }
        if (node.isValueNode() && secrets.stream().anyMatch(secret -> node.asText().contains(secret))) {
            return TextNode.valueOf(mask(node.asText(), secrets));
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
