package dev.paddock.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A unit of work for a runner, and the queue entry it sits in until claimed. */
@Entity
@Table(name = "jobs")
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
    public String status;
    public String phase;
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
    /** AES-256-GCM ciphertext of the secrets map; see {@link SecretCipher}. */
    public byte[] secrets;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "secret_names", columnDefinition = "text[]")
    public List<String> secretNames;
    @Column(name = "runner_id")
    public UUID runnerId;
    @Column(name = "runner_name")
    public String runnerName;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "held_by", columnDefinition = "uuid[]")
    public List<UUID> heldBy;
    public int attempt;
    @Column(name = "max_attempts")
    public int maxAttempts;
    @Column(name = "timeout_seconds")
    public int timeoutSeconds;
    @Column(name = "lease_id")
    public UUID leaseId;
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "queued_at")
    public Instant queuedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "duration_ms")
    public Long durationMs;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;
    public String summary;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Map<String, Object>> issues;
    @Column(name = "issues_found")
    public int issuesFound;
    @Column(name = "files_reviewed")
    public Integer filesReviewed;
    @Column(name = "lines_analyzed")
    public Integer linesAnalyzed;
    @Column(name = "total_comments")
    public Integer totalComments;
    @Column(name = "quality_rating")
    public String qualityRating;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metrics;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "tokens_used")
    public Map<String, Object> tokensUsed;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "actions_taken")
    public List<Object> actionsTaken;
    public String error;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> report;
    @Column(name = "cancelled_at")
    public Instant cancelledAt;
    @Column(name = "cancel_reason")
    public String cancelReason;
    @Column(name = "stop_acknowledged")
    public boolean stopAcknowledged;
    @Column(name = "original_job_id")
    public UUID originalJobId;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "log_next_seq")
    public long logNextSeq;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public boolean isFinal() {
        return JobStatus.isFinal(status);
    }
}
