package dev.paddock.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import java.util.Arrays;
import java.util.List;

/**
 * The queue by label set: queued and running jobs, the oldest wait, and the runners that could
 * take such a job (available: {@code free_slots > 0}, what a claim reads) or could but are full
 * (busy). One SQL statement per snapshot.
 */
@ApplicationScoped
public class QueueSnapshot {

    @Inject
    EntityManager em;

    public record Entry(List<String> labels, long queued, long oldestWaitMs, long running, long runnersAvailable,
                        long runnersBusy) {
    }

    public record Queues(List<Entry> queues) {
    }

    /** One tenant's queues, or every tenant's merged when {@code tenant} is null (for the gauges). */
    public List<Entry> take(String tenant) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                WITH sets AS (
                    SELECT tenant, (SELECT coalesce(array_agg(l ORDER BY l), '{}') FROM unnest(labels) l) AS label_set,
                           count(*) FILTER (WHERE status = 'queued') AS queued,
                           count(*) FILTER (WHERE status = 'running') AS running,
                           min(queued_at) FILTER (WHERE status = 'queued') AS oldest
                      FROM jobs
                     WHERE status IN ('queued', 'running') AND (CAST(?1 AS text) IS NULL OR tenant = ?1)
                     GROUP BY 1, 2)
                SELECT array_to_string(s.label_set, ','), sum(s.queued), max(coalesce(extract(epoch FROM now() - s.oldest) * 1000, 0)),
                       sum(s.running),
                       sum((SELECT count(*) FROM runners r WHERE r.tenant = s.tenant AND r.labels @> s.label_set
                               AND r.free_slots > 0)),
                       sum((SELECT count(*) FROM runners r WHERE r.tenant = s.tenant AND r.labels @> s.label_set
                               AND r.status = 'busy' AND r.free_slots = 0))
                  FROM sets s GROUP BY 1 ORDER BY 1""").setParameter(1, tenant).getResultList();
        return rows.stream().map(row -> new Entry(
                row[0] == null || ((String) row[0]).isEmpty() ? List.of() : Arrays.asList(((String) row[0]).split(",")),
                num(row[1]), num(row[2]), num(row[3]), num(row[4]), num(row[5]))).toList();
    }

    private static long num(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
