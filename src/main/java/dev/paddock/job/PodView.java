package dev.paddock.job;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.common.OpenApiSchemas;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.paddock.common.Times;
import dev.paddock.dispatch.Job;
import dev.paddock.dispatch.JobStatus;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A runner's job as AgentsMesh shows a pod (DIALECTS.md §4): {@code key} is the job id, the status
 * is pending (queued), running, or terminated (final), {@code agent_type_id} the job type and
 * {@code initial_prompt} the payload's, else the job's name.
 */
public record PodView(String key, String status, String agentTypeId, String initialPrompt, Instant createdAt) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String TERMINATED = "terminated";
    public static final Set<String> STATUSES = Set.of(PENDING, RUNNING, TERMINATED);

    static PodView of(Job job) {
        Object prompt = job.payload == null ? null : job.payload.get("initial_prompt");
        return new PodView(job.id.toString(), statusOf(job.status), job.type,
                prompt instanceof String text ? text : job.name, Times.out(job.createdAt));
    }

    static String statusOf(String jobStatus) {
        return JobStatus.QUEUED.wire().equals(jobStatus) ? PENDING
                : JobStatus.RUNNING.wire().equals(jobStatus) ? RUNNING : TERMINATED;
    }

    @Schema(name = "PodPage")

    public record Page(List<PodView> pods, long total, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer page,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(extensions = @Extension(name = OpenApiSchemas.OPTIONAL, value = "true"))
                       Integer perPage) {
    }
}
