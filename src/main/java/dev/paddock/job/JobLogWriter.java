package dev.paddock.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends a batch of log lines to a job (whose row the caller holds locked). Lines get sequence
 * numbers; with an explicit offset a resent batch lands on the same numbers and is not stored
 * twice. Values of the job's secrets are masked before anything is stored.
 */
@ApplicationScoped
public class JobLogWriter {

    public static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");
    private static final int MAX_MESSAGE = 65536;

    @Inject
    EntityManager em;

    @Inject
    SecretCipher cipher;

    @Inject
    ObjectMapper json;

    record Line(Instant timestamp, String level, String message, JsonNode data) {
    }

    /** @return the next offset: the sequence number the runner's next line will get */
    public long append(Job job, List<JsonNode> rawLines, Long offset) {
        List<Line> lines = parse(rawLines);
        List<String> secrets = secretValues(job);
        long first = offset != null ? offset : job.logNextSeq;
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO job_logs (job_id, seq, timestamp, level, message, data)
                    VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT (job_id, seq) DO NOTHING""")) {
                long seq = first;
                for (Line line : lines) {
                    insert.setObject(1, job.id);
                    insert.setLong(2, seq++);
                    insert.setTimestamp(3, Timestamp.from(line.timestamp()));
                    insert.setString(4, line.level());
                    insert.setString(5, mask(line.message(), secrets));
                    if (line.data() == null) {
                        insert.setNull(6, Types.VARCHAR);
                    } else {
                        insert.setString(6, maskTree(line.data(), secrets).toString());
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        job.logNextSeq = Math.max(job.logNextSeq, first + lines.size());
        JobSignals.notify(em, JobSignals.LOGS_CHANNEL, JobSignals.jobTopic(job.id));
        return first + lines.size();
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
        }
        return message;
    }

    private List<String> secretValues(Job job) {
        if (job.secrets == null || job.secretNames == null || job.secretNames.isEmpty()) {
            return List.of();
        }
        Map<String, String> secrets = cipher.decrypt(job.secrets);
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
