package dev.paddock.dispatch;

import org.junit.jupiter.api.Test;

import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.FAILURE;
import static dev.paddock.dispatch.JobStatus.QUEUED;
import static dev.paddock.dispatch.JobStatus.RUNNING;
import static dev.paddock.dispatch.JobStatus.SUCCESS;
import static dev.paddock.dispatch.JobStatus.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** The state machine as API.md states it. */
class JobStatusTest {

    @Test
    void queuedJobsAreClaimedOrCancelled() {
        assertThat(QUEUED.next()).containsExactlyInAnyOrder(RUNNING, CANCELLED);
    }

    @Test
    void runningJobsFinishOrGoBackToTheQueue() {
        assertThat(RUNNING.next()).containsExactlyInAnyOrder(QUEUED, SUCCESS, FAILURE, CANCELLED, TIMEOUT);
    }

    @Test
    void finalStatusesGoNowhere() {
        for (JobStatus status : new JobStatus[]{SUCCESS, FAILURE, CANCELLED, TIMEOUT}) {
            assertThat(status.isFinal()).as(status.wire()).isTrue();
            assertThat(status.next()).isEmpty();
        }
        assertThat(QUEUED.isFinal()).isFalse();
        assertThat(RUNNING.isFinal()).isFalse();
    }

    @Test
    void sqlGuardsFollowTheMachine() {
        assertThat(JobStatus.sqlSourcesOf(RUNNING)).isEqualTo("'queued'");
        assertThat(JobStatus.sqlSourcesOf(CANCELLED)).isEqualTo("'queued', 'running'");
        assertThat(JobStatus.sqlSourcesOf(TIMEOUT)).isEqualTo("'running'");
        assertThat(JobStatus.sqlSourcesOf(QUEUED)).isEqualTo("'running'");
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(JobStatus.WIRE_NAMES).containsExactlyInAnyOrder("queued", "running", "success", "failure",
                "cancelled", "timeout");
        assertThat(JobStatus.of("timeout")).isEqualTo(TIMEOUT);
    }
}
