package dev.paddock.job;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import dev.paddock.common.QueryParams;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Job statistics over a period, computed by PostgreSQL (never by loading jobs). */
@ApplicationScoped
public class JobStats {

    private static final Map<String, Integer> PERIOD_DAYS = Map.of("day", 1, "week", 7, "month", 30);

    @Inject
    EntityManager em;

    public record Totals(long totalJobs, long successful, long failed, long cancelled, long timedOut,
                         double successRate, long avgDurationMs, long totalIssuesFound,
                         Map<String, Long> issuesBySeverity) {
    }

    @Schema(name = "JobStatsDay")

    public record Day(LocalDate date, long jobs, long successful, long failed) {
    }

    @Schema(name = "JobStats")

    public record Stats(String period, Totals stats, List<Day> dailyBreakdown) {
    }

    public Stats compute(String tenant, MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        String period = QueryParams.oneOf(query, "period", Set.of("day", "week", "month"), errors);
        UUID runnerId = QueryParams.uuid(query, "runner_id", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String chosen = period == null ? "week" : period;
        String type = QueryParams.text(query, "type");
        String repository = QueryParams.text(query, "repository");
        String where = " WHERE tenant = :tenant AND created_at >= now() - :days * interval '1 day'"
                + (type != null ? " AND type = :type" : "")
                + (repository != null ? " AND repository = :repository" : "")
                + (runnerId != null ? " AND runner_id = :runnerId" : "");

        Object[] row = (Object[]) bind(em.createNativeQuery("""
                SELECT count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failure'),
                       count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE status = 'timeout'),
                       round(avg(duration_ms) FILTER (WHERE status IN ('success', 'failure'))),
                       coalesce(sum(issues_found), 0)
                  FROM jobs""" + where), tenant, chosen, type, repository, runnerId).getSingleResult();
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        bySeverity.put("error", 0L);
        bySeverity.put("warning", 0L);
        bySeverity.put("info", 0L);
        @SuppressWarnings("unchecked")
        List<Object[]> severities = bind(em.createNativeQuery("""
                SELECT issue ->> 'severity', count(*)
                  FROM jobs CROSS JOIN LATERAL jsonb_array_elements(coalesce(issues, '[]'::jsonb)) issue""" + where
                + " GROUP BY 1"), tenant, chosen, type, repository, runnerId).getResultList();
        severities.stream().filter(s -> s[0] != null && bySeverity.containsKey((String) s[0]))
                .forEach(s -> bySeverity.put((String) s[0], ((Number) s[1]).longValue()));
        @SuppressWarnings("unchecked")
        List<Object[]> days = bind(em.createNativeQuery("""
                SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*),
                       count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failure')
                  FROM jobs""" + where + " GROUP BY 1 ORDER BY 1"), tenant, chosen, type, repository, runnerId)
                .getResultList();

        long total = number(row[0]);
        long successful = number(row[1]);
        double rate = total == 0 ? 0.0 : Math.round(successful * 10000.0 / total) / 10000.0;
        Totals totals = new Totals(total, successful, number(row[2]), number(row[3]), number(row[4]), rate,
                number(row[5]), number(row[6]), bySeverity);
        List<Day> breakdown = days.stream().map(d -> new Day(LocalDate.parse((String) d[0]), number(d[1]),
                number(d[2]), number(d[3]))).toList();
        return new Stats(chosen, totals, breakdown);
    }

    private static Query bind(Query query, String tenant, String period, String type, String repository, UUID runnerId) {
        query.setParameter("tenant", tenant).setParameter("days", PERIOD_DAYS.get(period));
        if (type != null) {
            query.setParameter("type", type);
        }
        if (repository != null) {
            query.setParameter("repository", repository);
        }
        if (runnerId != null) {
            query.setParameter("runnerId", runnerId);
        }
        return query;
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
