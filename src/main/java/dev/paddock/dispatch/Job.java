package dev.paddock.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A unit of work for a runner, and the queue entry it sits in until claimed. People write what the
 * job is (type, labels, payload…) when they enqueue it; everything about where it is in its life
 * (status, runner, lease, attempt, timings, outcome) is read here ({@link JobRows}) and written only by
 * the dispatch core ({@link JobClaims}, {@link HeldJobs}, {@link JobReleases}), in SQL on the database clock.
 */
public class Job {

    public UUID id;
    public String tenant;
    public String type;
    public String name;
    public List<String> labels;
    public int priority;
    public String status;
    public String phase;
    public Integer progress;
    public String repository;
    public String repositoryUrl;
    public String branch;
    public String commitSha;
    public String commitMessage;
    public Integer prNumber;
    public Map<String, Object> pullRequest;
    public Map<String, Object> trigger;
    public Map<String, Object> payload;
    /** AES-256-GCM ciphertext of the secrets map; see {@code SecretCipher}. */
    public byte[] secrets;
    public List<String> secretNames;
    public UUID runnerId;
    public String runnerName;
    public List<UUID> heldBy;
    public int attempt;
    public int maxAttempts;
    public int timeoutSeconds;
    public UUID leaseId;
    public Instant leaseExpiresAt;
    public Instant createdAt;
    public Instant queuedAt;
    public Instant startedAt;
    public Instant completedAt;
    public Long durationMs;
    public Map<String, Object> result;
    public String summary;
    public List<Map<String, Object>> issues;
    public int issuesFound;
    public Integer filesReviewed;
    public Integer linesAnalyzed;
    public Integer totalComments;
    public String qualityRating;
    public Map<String, Object> metrics;
    public Map<String, Object> tokensUsed;
    public List<Object> actionsTaken;
    public String error;
    public Map<String, Object> report;
    public Instant cancelledAt;
    public String cancelReason;
    public boolean stopAcknowledged;
    public UUID originalJobId;
    public String idempotencyKey;
    public long logNextSeq = 1;
    public Instant updatedAt;

    public boolean isFinal() {
        return JobStatus.isFinal(status);
    }

    public boolean is(JobStatus expected) {
        return expected.wire().equals(status);
    }
}
