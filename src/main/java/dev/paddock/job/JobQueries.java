package dev.paddock.job;

import dev.paddock.common.PageRequest;
import dev.paddock.common.QueryParams;
import dev.paddock.dispatch.Job;
import dev.paddock.dispatch.JobStatus;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.RunnerState;
import dev.paddock.db.Columns;
import dev.paddock.db.Transactions;
import dev.paddock.dispatch.JobRows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** People's reads of jobs: lists, and one job with why it waits. */
@ApplicationScoped
public class JobQueries {

    /**
     * The list's label filter; the second clause is the label index's predicate (only jobs with
     * labels are in it), which the planner must find written in the query to use the index.
     */
    static final String WITH_LABELS = " AND labels @> CAST(:labels AS varchar(63)[]) AND labels <> '{}'";

    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC";

    /** The list's repository filter. */
    static final String OF_REPOSITORY = " AND repository = :repository";

    /** The jobs a runner runs, or ran last: it is their runner_id. */
    static final String RUN_BY = "runner_id = :runnerId";

    /**
     * The jobs a runner held before they were requeued or claimed by another runner, none of
     * {@link #RUN_BY}'s: the last clause is ix_jobs_reattempted's predicate (V1.18.0), written out
     * for the planner to use that index; the runner is then looked for in each one's holders.
     */
    static final String HELD_BEFORE_BY = "CAST(:runnerId AS uuid) = ANY (held_by) AND runner_id IS DISTINCT FROM :runnerId"
            + " AND (attempt > 1 OR (runner_id IS NULL AND attempt > 0))";

    @Inject
    Transactions transactions;

    public JobView.Page list(String tenant, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        StringBuilder where = new StringBuilder("tenant = :tenant");
        Map<String, Object> params = new HashMap<>(Map.of("tenant", tenant));
        String status = QueryParams.oneOf(query, "status", JobStatus.WIRE_NAMES, errors);
        if (status != null) {
            where.append(" AND status = :status");
            params.put("status", status);
        }
        String type = QueryParams.text(query, "type", errors);
        if (type != null) {
            where.append(" AND type = :type");
            params.put("type", type);
        }
        UUID runnerId = QueryParams.uuid(query, "runner_id", errors);
        if (runnerId != null) {
            where.append(" AND runner_id = :runnerId");
            params.put("runnerId", runnerId);
        }
        String repository = QueryParams.text(query, "repository", errors);
        if (repository != null) {
            where.append(OF_REPOSITORY);
            params.put("repository", repository);
        }
        Integer prNumber = QueryParams.integer(query, "pr_number", 0, Integer.MAX_VALUE, errors);
        if (prNumber != null) {
            where.append(" AND pr_number = :prNumber");
            params.put("prNumber", prNumber);
        }
        List<String> labels = QueryParams.labels(query, "label", errors);
        if (!labels.isEmpty()) {
            where.append(WITH_LABELS);
            params.put("labels", textArray(labels));
        }
        Instant since = QueryParams.timestamp(query, "since", errors);
        if (since != null) {
            where.append(" AND created_at >= :since");
            params.put("since", OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        }
        Instant until = QueryParams.timestamp(query, "until", errors);
        if (until != null) {
            where.append(" AND created_at <= :until");
            params.put("until", OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return page(where, params, page);
    }

    /** The jobs this runner runs or has run (a job it held before it was requeued too); newest first. */
    public JobView.Page forRunner(String tenant, UUID runnerId, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> params = new HashMap<>(Map.of("tenant", tenant, "runnerId", runnerId));
        String filter = "";
        String status = QueryParams.oneOf(query, "status", JobStatus.WIRE_NAMES, errors);
        if (status != null) {
            filter = " AND status = :status";
            params.put("status", status);
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<String> parts = ofRunner(filter);
        List<JobView> jobs = jobs(parts, params, page).stream().map(JobView::of).toList();
        return new JobView.Page(jobs, count(parts, params), page.limit(), page.offset(), page.page(), page.perPage());
    }

    /** {@link #forRunner}'s jobs as pods: {@code status} pending, running or terminated; newest first. */
    public PodView.Page pods(String tenant, UUID runnerId, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> params = new HashMap<>(Map.of("tenant", tenant, "runnerId", runnerId));
        String filter = "";
        String status = QueryParams.oneOf(query, "status", PodView.STATUSES, errors);
        if (status != null) {
            filter = switch (status) {
                case PodView.PENDING -> " AND status = '" + JobStatus.QUEUED.wire() + "'";
                case PodView.RUNNING -> " AND status = '" + JobStatus.RUNNING.wire() + "'";
                default -> " AND status NOT IN ('" + JobStatus.QUEUED.wire() + "', '" + JobStatus.RUNNING.wire() + "')";
            };
        }
        PageRequest page = pageOrErrors(query, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        List<String> parts = ofRunner(filter);
        List<PodView> pods = jobs(parts, params, page).stream().map(PodView::of).toList();
        return new PodView.Page(pods, count(parts, params), page.limit(), page.offset(), page.page(), page.perPage());
    }

    /** A runner's jobs in two disjoint parts, each read through its own index: run by it, held by it before. */
    private static List<String> ofRunner(String filter) {
        return List.of("tenant = :tenant AND " + RUN_BY + filter, "tenant = :tenant AND " + HELD_BEFORE_BY + filter);
    }

    public JobView detail(String tenant, UUID id) {
        Job job = transactions.first("SELECT * FROM jobs WHERE id = :id AND tenant = :tenant",
                        Map.of("id", id, "tenant", tenant), row -> JobRows.read(Columns.of(row)))
                .orElseThrow(() -> ProblemException.notFound("Job"));
        return JobView.of(job, false, job.is(JobStatus.QUEUED) ? waiting(job) : null);
    }

    /**
     * Why a queued job waits, from the fleet's state now: runners that can take work, or are busy,
     * as {@link RunnerState} tells them.
     */
    JobView.Waiting waiting(Job job) {
        long[] fleet = transactions.row("""
                SELECT count(*),
                       count(*) FILTER (WHERE (""" + RunnerState.TAKES_WORK + """
                )),
                       count(*) FILTER (WHERE (""" + RunnerState.BUSY + """
                )),
                       count(*) FILTER (WHERE runner_status(r) = 'draining')
                  FROM runners r WHERE tenant = :tenant AND labels @> CAST(:labels AS varchar[])""",
                Map.of("tenant", job.tenant, "labels", textArray(job.labels)),
                row -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)});
        long matching = fleet[0];
        long available = fleet[1];
        long busy = fleet[2];
        long draining = fleet[3];
        long ahead = transactions.row("""
                SELECT count(*) FROM jobs
                 WHERE tenant = :tenant AND status = 'queued'
                   AND (priority > :priority OR (priority = :priority AND (created_at, id) < (:createdAt, :id)))""",
                Map.of("tenant", job.tenant, "priority", job.priority,
                        "createdAt", OffsetDateTime.ofInstant(job.createdAt, ZoneOffset.UTC), "id", job.id),
                row -> row.getLong(1));
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

    private JobView.Page page(StringBuilder where, Map<String, Object> params, PageRequest page) {
        List<String> parts = List.of(where.toString());
        List<JobView> jobs = jobs(parts, params, page).stream().map(JobView::of).toList();
        return new JobView.Page(jobs, count(parts, params), page.limit(), page.offset(), page.page(), page.perPage());
    }

    /**
     * A page of the jobs the disjoint {@code parts} select, newest first: each part's first
     * offset + limit in order, merged, so that each is read through its own index.
     */
    private List<Job> jobs(List<String> parts, Map<String, Object> params, PageRequest page) {
        Map<String, Object> paged = new HashMap<>(params);
        paged.put("limit", page.limit());
        paged.put("offset", page.offset());
        paged.put("end", (long) page.offset() + page.limit());
        String from = parts.size() == 1 ? "jobs WHERE " + parts.get(0)
                : parts.stream().map(part -> "(SELECT * FROM jobs WHERE " + part + NEWEST_FIRST + " LIMIT :end)")
                        .collect(java.util.stream.Collectors.joining(" UNION ALL ", "(", ") jobs"));
        return transactions.rows("SELECT * FROM " + from + NEWEST_FIRST + " LIMIT :limit OFFSET :offset",
                paged, row -> JobRows.read(Columns.of(row)));
    }

    private long count(List<String> parts, Map<String, Object> params) {
        return transactions.row("SELECT " + parts.stream().map(part -> "(SELECT count(*) FROM jobs WHERE " + part + ")")
                .collect(java.util.stream.Collectors.joining(" + ")), params, row -> row.getLong(1));
    }

    static String textArray(List<String> labels) {
        // labels match ^[a-z0-9][a-z0-9._:-]*$, so they need no quoting inside an array literal
        return "{" + String.join(",", labels) + "}";
    }
}
