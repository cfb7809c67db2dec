package dev.paddock.dispatch;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.db.Columns;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A {@code jobs} row read straight from JDBC into a detached {@link Job}: what the dispatch core's
 * statements answer ({@code RETURNING j.*}), people's reads, and an event's snapshot of a job (the
 * same columns, as {@code to_jsonb} wrote them). Every column of the table has its field; the test
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

    public static Job read(Columns row) throws SQLException {
        Job job = new Job();
        job.id = row.uuid("id");
        job.tenant = row.string("tenant");
        job.type = row.string("type");
        job.name = row.string("name");
        job.labels = row.strings("labels");
        job.priority = row.integer("priority");
        job.status = row.string("status");
        job.phase = row.string("phase");
        job.progress = row.integerOrNull("progress");
        job.repository = row.string("repository");
        job.repositoryUrl = row.string("repository_url");
        job.branch = row.string("branch");
        job.commitSha = row.string("commit_sha");
        job.commitMessage = row.string("commit_message");
        job.prNumber = row.integerOrNull("pr_number");
        job.pullRequest = row.json("pull_request", OBJECT);
        job.trigger = row.json("trigger", OBJECT);
        job.payload = row.json("payload", OBJECT);
        job.secrets = row.bytes("secrets");
        job.secretNames = row.strings("secret_names");
        job.runnerId = row.uuid("runner_id");
        job.runnerName = row.string("runner_name");
        job.heldBy = row.uuids("held_by");
        job.attempt = row.integer("attempt");
        job.maxAttempts = row.integer("max_attempts");
        job.timeoutSeconds = row.integer("timeout_seconds");
        job.leaseId = row.uuid("lease_id");
        job.leaseExpiresAt = row.instant("lease_expires_at");
        job.createdAt = row.instant("created_at");
        job.queuedAt = row.instant("queued_at");
        job.startedAt = row.instant("started_at");
        job.completedAt = row.instant("completed_at");
        job.durationMs = row.bigintOrNull("duration_ms");
        job.result = row.json("result", OBJECT);
        job.summary = row.string("summary");
        job.issues = row.json("issues", OBJECTS);
        job.issuesFound = row.integer("issues_found");
        job.filesReviewed = row.integerOrNull("files_reviewed");
        job.linesAnalyzed = row.integerOrNull("lines_analyzed");
        job.totalComments = row.integerOrNull("total_comments");
        job.qualityRating = row.string("quality_rating");
        job.metrics = row.json("metrics", OBJECT);
        job.tokensUsed = row.json("tokens_used", OBJECT);
        job.actionsTaken = row.json("actions_taken", VALUES);
        job.error = row.string("error");
        job.report = row.json("report", OBJECT);
        job.cancelledAt = row.instant("cancelled_at");
        job.cancelReason = row.string("cancel_reason");
        job.stopAcknowledged = row.bool("stop_acknowledged");
        job.originalJobId = row.uuid("original_job_id");
        job.idempotencyKey = row.string("idempotency_key");
        job.logNextSeq = row.bigint("log_next_seq");
        job.updatedAt = row.instant("updated_at");
        return job;
    }
}
