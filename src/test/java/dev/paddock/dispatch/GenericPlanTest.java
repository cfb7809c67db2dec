package dev.paddock.dispatch;

import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot statements run on plans PostgreSQL made once, without the parameters' values, from the
 * statistics of that moment. Each reaches its rows only through the index meant for it, whatever
 * the planner then estimated: no other index of the jobs can serve it. Under the lifecycle bench a
 * claim's plan joined the queue to the GIN index on labels, which matches every job ever stored
 * whose labels the runner has (all of them, for jobs without labels), and a holder's call planned
 * before the first ANALYZE read all of its tenant's started jobs to find one, and a heartbeat batch
 * read every job its runners ever ran to find the stops they had not acknowledged (bench/RESULTS.md).
 */
@QuarkusTest
class GenericPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aHoldersCallFindsItsJobByPrimaryKeyAlone() throws Exception {
        Map<String, String> types = GenericPlans.types("job", "uuid", "tenant", "text", "runner", "uuid",
                "holderSuffices", "boolean", "lease", "text", "leaseMillis", "bigint");
        assertThat(GenericPlans.cte(GenericPlans.of(dataSource, HeldJobs.HOLD, types,
                List.of(GenericPlans.TABLE_SCAN_LAST)), "held")).contains("pk_jobs");
        // without the primary key, the tenant still narrows no index scan
        String withoutKey = GenericPlans.cte(GenericPlans.of(dataSource, HeldJobs.HOLD, types,
                List.of("ALTER TABLE jobs DROP CONSTRAINT pk_jobs CASCADE")), "held");
        assertThat(withoutKey).contains("tenant");
        assertThat(withoutKey.lines().filter(line -> line.contains("Index Cond") && line.contains("tenant"))).isEmpty();
    }

    @Test
    void aClaimNeverReadsTheLabelIndex() throws Exception {
        Map<String, String> types = GenericPlans.types("runner", "uuid", "limit", "integer", "leaseMillis", "bigint");
        assertThat(GenericPlans.of(dataSource, JobClaims.CLAIM, types)).doesNotContain("ix_jobs_labels");
        // nor when nothing else could narrow the scan
        assertThat(GenericPlans.cte(GenericPlans.of(dataSource, JobClaims.CLAIM, types,
                GenericPlans.JOBS_WITHOUT_TENANT_INDEXES), "picked"))
                .contains("on jobs j").doesNotContain("ix_jobs_labels");
    }

    @Test
    void anIdempotencyKeyIsLookedUpInTheIndexOfJobsEnqueuedWithOne() throws Exception {
        // V1.19.0: only jobs with a key are in the unique index; a lookup names a key, so it reads it
        List<String> changes = new java.util.ArrayList<>(GenericPlans.JOBS_WITHOUT_TENANT_INDEXES);
        changes.remove("DROP INDEX uq_jobs_idempotency");
        assertThat(GenericPlans.of(dataSource, JobClaims.ENQUEUED_WITH_KEY, GenericPlans.types("tenant", "text", "key", "text"),
                changes)).contains("uq_jobs_idempotency");
    }

    @Test
    void aHeartbeatFindsItsRunnersStopsWithoutReadingTheirHistory() throws Exception {
        // the stops not yet acknowledged are found through their own index, never every job a runner ran
        String plan = GenericPlans.of(dataSource, HeldJobs.RENEW_LEASES_AND_LIST_STOPS,
                GenericPlans.types("runners", "uuid[]", "listing", "uuid[]", "listed", "uuid[]", "leaseMillis", "bigint"),
                List.of(GenericPlans.TABLE_SCAN_LAST));
        assertThat(plan).contains("ix_jobs_stops_to_acknowledge");
        assertThat(plan.lines().filter(line -> line.matches(".*ix_jobs_runner( .*)?$"))).isEmpty();
    }
}
