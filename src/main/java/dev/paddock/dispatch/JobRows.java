package dev.paddock.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@code jobs} row read straight from JDBC into a detached {@link Job}: the dispatch core's
 * statements answer the job they changed ({@code RETURNING j.*}), and building it here costs a
 * fraction of a Hibernate native query's entity hydration and flush-time dirty check, which were
 * half the service's CPU under lifecycle load. Column for column the entity's mapping; the test
 * of this class holds the two to each other.
 */
public final class JobRows {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<List<Map<String, Object>>> OBJECTS = new TypeReference<>() {
    };
    private static final TypeReference<List<Object>> VALUES = new TypeReference<>() {
    };

    private JobRows() {
    }

    public static Job read(ResultSet row, ObjectMapper json) throws SQLException {
        Job job = new Job();
        job.id = row.getObject("id", UUID.class);
        job.tenant = row.getString("tenant");
        job.type = row.getString("type");
        job.name = row.getString("name");
        job.labels = strings(row.getArray("labels"));
        job.priority = row.getInt("priority");
        job.status = row.getString("status");
        job.phase = row.getString("phase");
        job.progress = (Integer) row.getObject("progress");
        job.repository = row.getString("repository");
        job.repositoryUrl = row.getString("repository_url");
        job.branch = row.getString("branch");
        job.commitSha = row.getString("commit_sha");
        job.commitMessage = row.getString("commit_message");
        job.prNumber = (Integer) row.getObject("pr_number");
        job.pullRequest = parse(json, row.getString("pull_request"), OBJECT);
        job.trigger = parse(json, row.getString("trigger"), OBJECT);
        job.payload = parse(json, row.getString("payload"), OBJECT);
        job.secrets = row.getBytes("secrets");
        job.secretNames = strings(row.getArray("secret_names"));
        job.runnerId = row.getObject("runner_id", UUID.class);
        job.runnerName = row.getString("runner_name");
        Array heldBy = row.getArray("held_by");
        job.heldBy = heldBy == null ? null : Arrays.asList((UUID[]) heldBy.getArray());
        job.attempt = row.getInt("attempt");
        job.maxAttempts = row.getInt("max_attempts");
        job.timeoutSeconds = row.getInt("timeout_seconds");
        job.leaseId = row.getObject("lease_id", UUID.class);
        job.leaseExpiresAt = instant(row, "lease_expires_at");
        job.createdAt = instant(row, "created_at");
        job.queuedAt = instant(row, "queued_at");
        job.startedAt = instant(row, "started_at");
        job.completedAt = instant(row, "completed_at");
        job.durationMs = (Long) row.getObject("duration_ms");
        job.result = parse(json, row.getString("result"), OBJECT);
        job.summary = row.getString("summary");
        job.issues = parse(json, row.getString("issues"), OBJECTS);
        job.issuesFound = row.getInt("issues_found");
        job.filesReviewed = (Integer) row.getObject("files_reviewed");
        job.linesAnalyzed = (Integer) row.getObject("lines_analyzed");
        job.totalComments = (Integer) row.getObject("total_comments");
        job.qualityRating = row.getString("quality_rating");
        job.metrics = parse(json, row.getString("metrics"), OBJECT);
        job.tokensUsed = parse(json, row.getString("tokens_used"), OBJECT);
        job.actionsTaken = parse(json, row.getString("actions_taken"), VALUES);
        job.error = row.getString("error");
        job.report = parse(json, row.getString("report"), OBJECT);
        job.cancelledAt = instant(row, "cancelled_at");
        job.cancelReason = row.getString("cancel_reason");
        job.stopAcknowledged = row.getBoolean("stop_acknowledged");
        job.originalJobId = row.getObject("original_job_id", UUID.class);
        job.idempotencyKey = row.getString("idempotency_key");
        job.logNextSeq = row.getLong("log_next_seq");
        job.updatedAt = instant(row, "updated_at");
        return job;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? null : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static <T> T parse(ObjectMapper json, String text, TypeReference<T> type) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("a JSON column that does not parse", e);
        }
    }
}
