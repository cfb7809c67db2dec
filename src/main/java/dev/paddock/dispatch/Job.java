package dev.paddock.dispatch;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A unit of work for a runner, and the queue entry it sits in until claimed. People write what the
 * job is (type, labels, payload…) when they enqueue it; everything about where it is in its life
 * (status, runner, lease, attempt, timings, outcome) is mapped read-only here and written only by
 * the dispatch core ({@link JobClaims}, {@link HeldJobs}, {@link JobReleases}), in SQL on the database clock.
 */
@Entity
@Table(name = "jobs")
@Immutable
public class Job extends PanacheEntityBase {

    @Id
    public UUID id;
    public String tenant;
    public String type;
    public String name;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "varchar(63)[]")
    public List<String> labels;
    public int priority;
    @Generated
    @Column(updatable = false)
    public String status;
    @Column(insertable = false, updatable = false)
    public String phase;
    @Column(insertable = false, updatable = false)
    public Integer progress;
    public String repository;
    @Column(name = "repository_url")
    public String repositoryUrl;
    public String branch;
    @Column(name = "commit_sha")
    public String commitSha;
    @Column(name = "commit_message")
    public String commitMessage;
    @Column(name = "pr_number")
    public Integer prNumber;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "pull_request")
    public Map<String, Object> pullRequest;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> trigger;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;
    /** AES-256-GCM ciphertext of the secrets map; see {@code SecretCipher}. */
    public byte[] secrets;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "secret_names", columnDefinition = "text[]")
    public List<String> secretNames;
    @Column(name = "runner_id", insertable = false, updatable = false)
    public UUID runnerId;
    @Column(name = "runner_name", insertable = false, updatable = false)
    public String runnerName;
    @Generated
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "held_by", columnDefinition = "uuid[]", updatable = false)
    public List<UUID> heldBy;
    @Generated
    @Column(updatable = false)
    public int attempt;
    @Column(name = "max_attempts")
    public int maxAttempts;
    @Column(name = "timeout_seconds")
    public int timeoutSeconds;
    @Column(name = "lease_id", insertable = false, updatable = false)
    public UUID leaseId;
    @Column(name = "lease_expires_at", insertable = false, updatable = false)
    public Instant leaseExpiresAt;
    @Generated
    @Column(name = "created_at", updatable = false)
    public Instant createdAt;
    @Generated
    @Column(name = "queued_at", updatable = false)
    public Instant queuedAt;
    @Column(name = "started_at", insertable = false, updatable = false)
    public Instant startedAt;
    @Column(name = "completed_at", insertable = false, updatable = false)
    public Instant completedAt;
    @Column(name = "duration_ms", insertable = false, updatable = false)
    public Long durationMs;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(insertable = false, updatable = false)
    public Map<String, Object> result;
    @Column(insertable = false, updatable = false)
    public String summary;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(insertable = false, updatable = false)
    public List<Map<String, Object>> issues;
    @Column(name = "issues_found", insertable = false, updatable = false)
    public int issuesFound;
    @Column(name = "files_reviewed", insertable = false, updatable = false)
    public Integer filesReviewed;
    @Column(name = "lines_analyzed", insertable = false, updatable = false)
    public Integer linesAnalyzed;
    @Column(name = "total_comments", insertable = false, updatable = false)
    public Integer totalComments;
    @Column(name = "quality_rating", insertable = false, updatable = false)
    public String qualityRating;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(insertable = false, updatable = false)
    public Map<String, Object> metrics;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "tokens_used", insertable = false, updatable = false)
    public Map<String, Object> tokensUsed;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "actions_taken", insertable = false, updatable = false)
    public List<Object> actionsTaken;
    @Column(insertable = false, updatable = false)
    public String error;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(insertable = false, updatable = false)
    public Map<String, Object> report;
    @Column(name = "cancelled_at", insertable = false, updatable = false)
    public Instant cancelledAt;
    @Column(name = "cancel_reason", insertable = false, updatable = false)
    public String cancelReason;
    @Column(name = "stop_acknowledged", insertable = false, updatable = false)
    public boolean stopAcknowledged;
    @Column(name = "original_job_id")
    public UUID originalJobId;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "log_next_seq")
    public long logNextSeq = 1;
    @Generated
    @Column(name = "updated_at", updatable = false)
    public Instant updatedAt;

    public boolean isFinal() {
        return JobStatus.isFinal(status);
    }

    public boolean is(JobStatus expected) {
        return expected.wire().equals(status);
    }
}
