package dev.paddock.job;

import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lists' filters that have a partial index of their own can read it: the label filter the
 * index of jobs with labels, a runner's former jobs the index of jobs claimed again or requeued,
 * a runner's jobs and a repository's the indexes of jobs that have one (V1.19.0).
 */
@QuarkusTest
class LabelIndexPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theLabelFilterCanReadTheLabelIndex() throws Exception {
        assertThat(planWithoutTenantIndexes("SELECT id FROM jobs WHERE tenant = :tenant" + JobQueries.WITH_LABELS,
                "labels", "text[]")).contains("ix_jobs_labels");
    }

    @Test
    void aRunnersFormerJobsCanBeReadThroughTheReattemptedJobsIndex() throws Exception {
        assertThat(planWithoutTenantIndexes("SELECT id FROM jobs WHERE tenant = :tenant AND " + JobQueries.HELD_BEFORE_BY,
                "runnerId", "uuid")).contains("ix_jobs_reattempted");
    }

    @Test
    void aRunnersJobsAreReadThroughTheIndexOfJobsWithARunner() throws Exception {
        assertThat(planWithoutTenantIndexes("SELECT id FROM jobs WHERE tenant = :tenant AND " + JobQueries.RUN_BY,
                "runnerId", "uuid")).contains("ix_jobs_runner");
    }

    @Test
    void aRepositorysJobsAreReadThroughTheIndexOfJobsWithARepository() throws Exception {
        List<String> changes = new ArrayList<>(GenericPlans.JOBS_WITHOUT_TENANT_INDEXES);
        changes.remove("DROP INDEX ix_jobs_tenant_repository_created");
        assertThat(GenericPlans.of(dataSource, "SELECT id FROM jobs WHERE tenant = :tenant" + JobQueries.OF_REPOSITORY,
                GenericPlans.types("tenant", "text", "repository", "text"), changes))
                .contains("ix_jobs_tenant_repository_created");
    }

    /**
     * The generic plan of a filter of a tenant's jobs when nothing else could narrow the scan, and
     * no index is read whole (a GIN index is read as a bitmap).
     */
    private String planWithoutTenantIndexes(String sql, String parameter, String type) throws Exception {
        List<String> changes = new ArrayList<>(GenericPlans.JOBS_WITHOUT_TENANT_INDEXES);
        changes.add("SET LOCAL enable_indexscan = off");
        return GenericPlans.of(dataSource, sql, GenericPlans.types("tenant", "text", parameter, type), changes);
    }
}
