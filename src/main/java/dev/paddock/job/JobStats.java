package dev.paddock.job;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import dev.paddock.common.QueryParams;
import dev.paddock.db.Transactions;
import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
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
    Transactions transactions;

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
        String type = QueryParams.text(query, "type", errors);
        String repository = QueryParams.text(query, "repository", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String chosen = period == null ? "week" : period;
        String where = " WHERE tenant = :tenant AND created_at >= now() - :days * interval '1 day'"
                + (type != null ? " AND type = :type" : "")
                + (repository != null ? " AND repository = :repository" : "")
                + (runnerId != null ? " AND runner_id = :runnerId" : "");

        Map<String, Object> params = new HashMap<>();
        params.put("tenant", tenant);
        params.put("days", PERIOD_DAYS.get(chosen));
        params.put("type", type);
        params.put("repository", repository);
        params.put("runnerId", runnerId);
        long[] row = transactions.row("""
                SELECT count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failure'),
                       count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE status = 'timeout'),
                       round(avg(duration_ms) FILTER (WHERE status IN ('success', 'failure'))),
                       coalesce(sum(issues_found), 0)
                  FROM jobs""" + where, params,
                result -> new long[] {result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4),
                        result.getLong(5), result.getLong(6), result.getLong(7)});
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        bySeverity.put("error", 0L);
        bySeverity.put("warning", 0L);
        bySeverity.put("info", 0L);
        transactions.rows("""
                SELECT issue ->> 'severity', count(*)
                  FROM jobs CROSS JOIN LATERAL jsonb_array_elements(coalesce(issues, '[]'::jsonb)) issue""" + where
                + " GROUP BY 1", params, result -> Map.entry(String.valueOf(result.getString(1)), result.getLong(2)))
                .stream().filter(severity -> bySeverity.containsKey(severity.getKey()))
                .forEach(severity -> bySeverity.put(severity.getKey(), severity.getValue()));
        List<Day> breakdown = transactions.rows("""
                SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*),
                       count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failure')
                  FROM jobs""" + where + " GROUP BY 1 ORDER BY 1", params,
                day -> new Day(LocalDate.parse(day.getString(1)), day.getLong(2), day.getLong(3), day.getLong(4)));

        long total = row[0];
        long successful = row[1];
        double rate = total == 0 ? 0.0 : Math.round(successful * 10000.0 / total) / 10000.0;
        Totals totals = new Totals(total, successful, row[2], row[3], row[4], rate, row[5], row[6], bySeverity);
        return new Stats(chosen, totals, breakdown);
    }
}
