package dev.paddock.queue;

import dev.paddock.db.Transactions;
import dev.paddock.runner.RunnerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue by label set: queued and running jobs, the oldest wait, and the runners that could
 * take such a job (available: {@link RunnerState#TAKES_WORK}, what a claim reads) or could but are full
 * (busy), and how long such jobs waited in the last hour. One SQL statement per snapshot.
 */
@ApplicationScoped
public class QueueSnapshot {

    @Inject
    Transactions transactions;

    /** The claims of the last hour the waits are taken over, newest first, at most: a tenant's, or shared among all. */
    static final int WAITS_READ = 10_000;

    /** {@code wait_*}: queued → claimed, over the jobs claimed in the last hour; null when none was. */
    public record Entry(List<String> labels, long queued, long oldestWaitMs, Long waitP50Ms, Long waitP95Ms,
                        long running, long runnersAvailable, long runnersBusy) {
    }

    public record Queues(List<Entry> queues) {
    }

    /**
     * The label sets of the jobs queued or running now and of those claimed in the last hour (the
     * waits: queued → claimed, their last attempt's), with the runners that could take such a job.
     * The jobs claimed lately are read per tenant through an index: the tenant's, or every tenant
     * found by a loose scan of that index; the newest {@value #WAITS_READ} of them at most, shared
     * alike among the tenants read, so that a snapshot costs the same at any rate of claims and for
     * any number of tenants (the gauges take one of every tenant every sweep, on every replica: with
     * a bound per tenant, 20 busy tenants took 0.8 s a snapshot, bench/RESULTS.md). The jobs queued
     * and running are read through their own partial indexes, one status at a time: asked for both
     * statuses at once, PostgreSQL can use neither and read the whole table, finished jobs too
     * (a million finished jobs tripled a snapshot's time).
     */
    static final String SNAPSHOT = """
            WITH RECURSIVE tenants AS (
                (SELECT tenant FROM jobs WHERE CAST(:tenant AS text) IS NULL ORDER BY tenant LIMIT 1)
                UNION ALL
                SELECT (SELECT j.tenant FROM jobs j WHERE j.tenant > t.tenant ORDER BY j.tenant LIMIT 1)
                  FROM tenants t WHERE t.tenant IS NOT NULL),
            asked AS (
                SELECT tenant FROM tenants WHERE tenant IS NOT NULL
                UNION ALL
                SELECT CAST(:tenant AS text) WHERE CAST(:tenant AS text) IS NOT NULL),
            share AS (
                SELECT greatest(1, :waits / greatest(count(*), 1)) AS claims FROM asked),
            relevant AS (
                SELECT tenant, labels, status, queued_at, NULL::float8 AS wait_ms FROM jobs
                 WHERE status = 'queued' AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                UNION ALL
                SELECT tenant, labels, status, queued_at, NULL FROM jobs
                 WHERE status = 'running' AND (CAST(:tenant AS text) IS NULL OR tenant = :tenant)
                UNION ALL
                SELECT c.tenant, c.labels, 'claimed', NULL, extract(epoch FROM c.started_at - c.queued_at) * 1000
                  FROM asked, LATERAL (
                      SELECT j.tenant, j.labels, j.started_at, j.queued_at FROM jobs j
                       WHERE j.tenant = asked.tenant AND j.started_at >= now() - interval '1 hour'
                       ORDER BY j.started_at DESC LIMIT (SELECT claims FROM share)) c
                 -- a job requeued since its claim waits again from a later queued_at: that claim's
                 -- wait is not known any more (it came out negative)
                 WHERE c.started_at >= c.queued_at),
            sorted AS (
                SELECT tenant, (SELECT coalesce(array_agg(l ORDER BY l), '{}') FROM unnest(labels) l) AS label_set,
                       status, queued_at, wait_ms
                  FROM relevant),
            sets AS (
                SELECT tenant, label_set,
                       count(*) FILTER (WHERE status = 'queued') AS queued,
                       count(*) FILTER (WHERE status = 'running') AS running,
                       min(queued_at) FILTER (WHERE status = 'queued') AS oldest
                  FROM sorted GROUP BY 1, 2),
            waits AS (
                SELECT label_set, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_ms) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY wait_ms) AS p95
                  FROM sorted WHERE status = 'claimed' GROUP BY 1)
            SELECT array_to_string(s.label_set, ','), sum(s.queued),
                   max(coalesce(extract(epoch FROM now() - s.oldest) * 1000, 0)),
                   min(w.p50), min(w.p95), sum(s.running),
                   sum((SELECT count(*) FROM runners r WHERE r.tenant = s.tenant AND r.labels @> s.label_set
                           AND (""" + RunnerState.TAKES_WORK + """
            ))),
                   sum((SELECT count(*) FROM runners r WHERE r.tenant = s.tenant AND r.labels @> s.label_set
                           AND (""" + RunnerState.BUSY + """
            )))
              FROM sets s LEFT JOIN waits w ON w.label_set = s.label_set
             GROUP BY s.label_set ORDER BY 1""";

    /** One tenant's queues, or every tenant's merged when {@code tenant} is null (for the gauges). */
    public List<Entry> take(String tenant) {
        return take(tenant, WAITS_READ);
    }

    /** {@link #take}, the waits taken over at most {@code waits} claims in all. */
    List<Entry> take(String tenant, int waits) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("tenant", tenant);
        parameters.put("waits", waits);
        return transactions.rows(SNAPSHOT, parameters, row -> new Entry(labels(row.getString(1)),
                Math.round(row.getDouble(2)), Math.round(row.getDouble(3)), rounded(row.getObject(4, Double.class)),
                rounded(row.getObject(5, Double.class)), Math.round(row.getDouble(6)), Math.round(row.getDouble(7)),
                Math.round(row.getDouble(8))));
    }

    /** How many of the tenant's runners, in any status, have every label of the set: none means no runner can serve it. */
    public long runnersMatching(String tenant, List<String> labels) {
        return transactions.row("SELECT count(*) FROM runners WHERE tenant = :tenant AND labels @> CAST(:labels AS varchar(63)[])",
                Map.of("tenant", tenant, "labels", labels.toArray(String[]::new)), row -> row.getLong(1));
    }

    private static List<String> labels(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private static Long rounded(Double value) {
        return value == null ? null : Math.round(value);
    }
}
