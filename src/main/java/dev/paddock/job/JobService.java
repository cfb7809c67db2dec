package dev.paddock.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.auth.Person;
import dev.paddock.common.Labels;
import dev.paddock.dispatch.JobClaims;
import dev.paddock.dispatch.JobReleases;
import dev.paddock.dispatch.Job;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.secret.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** People's writes on jobs: enqueue, cancel, retry. */
@ApplicationScoped
public class JobService {

    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    @Inject
    SecretCipher cipher;

    @Inject
    ObjectMapper json;

    @Inject
    JobClaims claims;

    @Inject
    JobReleases releases;

    @Inject
    Transactions connections;

    public record Enqueued(JobView job, boolean replayed) {
    }

    public Enqueued enqueue(Person person, JobRequests.Enqueue request, String idempotencyKey) {
        checkPayloadSize(request.payload());
        Job job = draft(person, request, idempotencyKey);
        if (idempotencyKey == null) {
            return new Enqueued(JobView.of(claims.enqueue(job)), false);
        }
        return connections.inTransaction(() -> claims.enqueuedWithKey(person.tenant(), idempotencyKey)
                .map(existing -> new Enqueued(JobView.of(existing), true))
                .orElseGet(() -> new Enqueued(JobView.of(claims.enqueue(job)), false)));
    }

    private Job draft(Person person, JobRequests.Enqueue request, String idempotencyKey) {
        Job job = new Job();
        job.tenant = person.tenant();
        job.type = request.type().trim();
        job.name = request.name();
        job.labels = Labels.normalize(request.labels());
        job.priority = request.priority() == null ? 0 : request.priority();
        job.timeoutSeconds = request.timeoutSeconds() == null ? 3600 : request.timeoutSeconds();
        job.maxAttempts = request.maxAttempts() == null ? 3 : request.maxAttempts();
        job.repository = request.repository();
        job.repositoryUrl = request.repositoryUrl();
        job.branch = request.branch();
        job.commitSha = request.commitSha();
        job.commitMessage = request.commitMessage();
        job.prNumber = request.prNumber();
        job.pullRequest = request.pullRequest();
        job.trigger = request.trigger();
        job.payload = request.payload() == null ? new HashMap<>() : request.payload();
        Map<String, String> secrets = request.secrets() == null ? Map.of() : request.secrets();
        job.secretNames = new ArrayList<>(secrets.keySet().stream().sorted().toList());
        job.secrets = secrets.isEmpty() ? null : cipher.encrypt(secrets);
        job.idempotencyKey = idempotencyKey;
        return job;
    }

    public JobView cancel(String tenant, UUID id, String reason) {
        return JobView.of(releases.cancel(tenant, id, reason));
    }

    /** A copy of a final job, its payload merged with {@code config_override}, queued afresh. */
    public JobView retry(String tenant, UUID id, Map<String, Object> configOverride) {
        Job original = find(tenant, id);
        if (!original.isFinal()) {
            throw ProblemException.conflict("Only a finished job can be retried; this one is " + original.status + ".");
        }
        Job copy = new Job();
        copy.tenant = original.tenant;
        copy.type = original.type;
        copy.name = original.name;
        copy.labels = new ArrayList<>(original.labels);
        copy.priority = original.priority;
        copy.timeoutSeconds = original.timeoutSeconds;
        copy.maxAttempts = original.maxAttempts;
        copy.repository = original.repository;
        copy.repositoryUrl = original.repositoryUrl;
        copy.branch = original.branch;
        copy.commitSha = original.commitSha;
        copy.commitMessage = original.commitMessage;
        copy.prNumber = original.prNumber;
        copy.pullRequest = original.pullRequest;
        copy.trigger = original.trigger;
        copy.payload = merge(original.payload, configOverride);
        checkPayloadSize(copy.payload);
        copy.secretNames = new ArrayList<>(original.secretNames);
        copy.secrets = original.secrets;
        copy.originalJobId = original.id;
        return JobView.of(claims.enqueue(copy));
    }

    private Job find(String tenant, UUID id) {
        Job job = claims.read(id);
        if (!job.tenant.equals(tenant)) {
            throw ProblemException.notFound("Job");
        }
        return job;
    }

    /** Deep merge: objects merge key by key, anything else in the override replaces. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base == null ? Map.of() : base);
        if (override == null) {
            return merged;
        }
        override.forEach((key, value) -> {
            if (value instanceof Map<?, ?> overrideMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, merge((Map<String, Object>) baseMap, (Map<String, Object>) overrideMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private void checkPayloadSize(Map<String, Object> payload) {
        if (payload == null) {
            return;
        }
        try {
            int size = json.writeValueAsBytes(payload).length;
            if (size > MAX_PAYLOAD_BYTES) {
                throw new ProblemException(413, "payload-too-large", "Payload too large",
                        "The job payload is " + size + " bytes; at most " + MAX_PAYLOAD_BYTES + " are allowed.",
                        List.of(new FieldError("payload", "must be at most 256 KiB")), null);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ProblemException.invalid("payload", "must be a JSON object");
        }
    }
}
