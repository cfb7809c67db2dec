package dev.paddock.job;

import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The jobs list's label filter can read the label index, which holds only jobs with labels. */
@QuarkusTest
class LabelIndexPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theLabelFilterCanReadTheLabelIndex() throws Exception {
        // nothing else could narrow the scan, and no index is read whole (a GIN index is read as a bitmap)
        List<String> changes = new ArrayList<>(GenericPlans.JOBS_WITHOUT_TENANT_INDEXES);
        changes.add("SET LOCAL enable_indexscan = off");
        String plan = GenericPlans.of(dataSource, "SELECT id FROM jobs WHERE tenant = :tenant" + JobQueries.WITH_LABELS,
                GenericPlans.types("tenant", "text", "labels", "text[]"), changes);
        assertThat(plan).contains("ix_jobs_labels");
    }
}
