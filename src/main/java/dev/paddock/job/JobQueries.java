package dev.paddock.job;

import dev.paddock.common.PageRequest;
import dev.paddock.common.QueryParams;
import dev.paddock.dispatch.Job;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** People's reads of jobs: lists, and one job with why it waits. */
@ApplicationScoped
public class JobQueries {

    @Inject
    EntityManager em;

    public JobView.Page list(String tenant, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        StringBuilder where = new StringBuilder("tenant = :tenant");
        Parameters params = Parameters.with("tenant", tenant);
        String status = QueryParams.oneOf(query, "status", JobStatus.WIRE_NAMES, errors);
        if (status != null) {
            where.append(" and status = :status");
            params.and("status", status);
        }
        String type = QueryParams.text(query, "type");
        if (type != null) {
            where.append(" and type = :type");
            params.and("type", type);
        }
        UUID runnerId = QueryParams.uuid(query, "runner_id", errors);
        if (runnerId != null) {
            where.append(" and runnerId = :runnerId");
            params.and("runnerId", runnerId);
        }
        String repository = QueryParams.text(query, "repository");
        if (repository != null) {
            where.append(" and repository = :repository");
            params.and("repository", repository);
        }
        Integer prNumber = QueryParams.integer(query, "pr_number", 0, Integer.MAX_VALUE, errors);
        if (prNumber != null) {
            where.append(" and prNumber = :prNumber");
            params.and("prNumber", prNumber);
        }
        List<String> labels = QueryParams.labels(query, "label", errors);
        for (int i = 0; i < labels.size(); i++) {
            where.append(" and array_contains(labels, :label").append(i).append(")");
            params.and("label" + i, labels.get(i));
        }
        Instant since = QueryParams.timestamp(query, "since", errors);
        if (since != null) {
            where.append(" and createdAt >= :since");
            params.and("since", since);
        }
        Instant until = QueryParams.timestamp(query, "until", errors);
        if (until != null) {
            where.append(" and createdAt <= :until");
            params.and("until", until);
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return page(where, params, page);
    }

    public JobView.Page forRunner(String tenant, UUID runnerId, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        StringBuilder where = new StringBuilder("tenant = :tenant and runnerId = :runnerId");
        Parameters params = Parameters.with("tenant", tenant).and("runnerId", runnerId);
        String status = QueryParams.oneOf(query, "status", JobStatus.WIRE_NAMES, errors);
        if (status != null) {
            where.append(" and status = :status");
            params.and("status", status);
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return page(where, params, page);
    }

    /** The runner's jobs as pods: {@code status} pending, running or terminated; newest first. */
    public PodView.Page pods(String tenant, UUID runnerId, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        StringBuilder where = new StringBuilder("tenant = :tenant and runnerId = :runnerId");
        Parameters params = Parameters.with("tenant", tenant).and("runnerId", runnerId);
        String status = QueryParams.oneOf(query, "status", PodView.STATUSES, errors);
        if (status != null) {
            where.append(switch (status) {
                case PodView.PENDING -> " and status = '" + JobStatus.QUEUED.wire() + "'";
                case PodView.RUNNING -> " and status = '" + JobStatus.RUNNING.wire() + "'";
                default -> " and status not in ('" + JobStatus.QUEUED.wire() + "', '" + JobStatus.RUNNING.wire() + "')";
            });
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        var found = Job.find(where + " order by createdAt desc, id desc", params);
        List<PodView> pods = found.range(page.offset(), page.offset() + page.limit() - 1).<Job>list().stream()
                .map(PodView::of).toList();
        return new PodView.Page(pods, found.count(), page.limit(), page.offset(), page.page(), page.perPage());
    }

    public JobView detail(String tenant, UUID id) {
        Job job = Job.find("id = ?1 and tenant = ?2", id, tenant).firstResult();
        if (job == null) {
            throw ProblemException.notFound("Job");
        }
        return JobView.of(job, false, job.is(JobStatus.QUEUED) ? waiting(job) : null);
    }

    /**
     * Why a queued job waits, from the fleet's state now. "Can take work" is {@code free_slots > 0},
     * the same column the claim reads.
     */
    JobView.Waiting waiting(Job job) {
        Object[] fleet = (Object[]) em.createNativeQuery("""
                SELECT count(*),
                       count(*) FILTER (WHERE free_slots > 0),
                       count(*) FILTER (WHERE status = 'busy' AND free_slots = 0),
                       count(*) FILTER (WHERE status = 'draining')
                  FROM runners WHERE tenant = ?1 AND labels @> CAST(?2 AS varchar[])""")
                .setParameter(1, job.tenant).setParameter(2, textArray(job.labels)).getSingleResult();
        long matching = ((Number) fleet[0]).longValue();
        long available = ((Number) fleet[1]).longValue();
        long busy = ((Number) fleet[2]).longValue();
        long draining = ((Number) fleet[3]).longValue();
        long ahead = ((Number) em.createNativeQuery("""
                SELECT count(*) FROM jobs
                 WHERE tenant = ?1 AND status = 'queued'
                   AND (priority > ?2 OR (priority = ?2 AND (created_at, id) < (?3, ?4)))""")
                .setParameter(1, job.tenant).setParameter(2, job.priority).setParameter(3, job.createdAt)
                .setParameter(4, job.id).getSingleResult()).longValue();
        String reason = matching == 0 ? "no_matching_runner"
                : available > 0 ? "next_in_line"
                : busy > 0 ? "matching_runners_busy"
                : draining > 0 ? "matching_runners_draining"
                : "matching_runners_offline";
        long waitedMs = Math.max(0, Instant.now().toEpochMilli() - job.queuedAt.toEpochMilli());
        return new JobView.Waiting(reason, matching, ahead + 1, waitedMs);
    }

    private static PageRequest pageOrErrors(MultivaluedMap<String, String> query, List<FieldError> errors) {
        try {
            return PageRequest.from(query);
        } catch (ProblemException e) {
            errors.addAll(e.toProblem().errors() == null ? List.of() : e.toProblem().errors());
            return null;
        }
    }

    private JobView.Page page(StringBuilder where, Parameters params, PageRequest page) {
        var query = Job.find(where + " order by createdAt desc, id desc", params);
        long total = query.count();
        List<JobView> jobs = query.range(page.offset(), page.offset() + page.limit() - 1).<Job>list().stream()
                .map(JobView::of).toList();
        return new JobView.Page(jobs, total, page.limit(), page.offset(), page.page(), page.perPage());
    }

    static String textArray(List<String> labels) {
        // labels match ^[a-z0-9][a-z0-9._:-]*$, so they need no quoting inside an array literal
        return "{" + String.join(",", labels) + "}";
    }
}
