package dev.paddock.dispatch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.paddock.dispatch.JobStatus.CANCELLED;
import static dev.paddock.dispatch.JobStatus.FAILURE;
import static dev.paddock.dispatch.JobStatus.QUEUED;
import static dev.paddock.dispatch.JobStatus.RUNNING;
import static dev.paddock.dispatch.JobStatus.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL of each transition is written out whole, status names included; this holds every guard
 * to the state machine, so a transition {@link JobStatus} does not allow cannot hide in a statement.
 */
class DispatchGuardsTest {

    private static final List<String> STATEMENTS = List.of(JobClaims.CLAIM, HeldJobs.HOLD, HeldJobs.REPORT_PROGRESS,
            HeldJobs.COMPLETE, HeldJobs.APPENDED, HeldJobs.RENEW_LEASES_AND_LIST_STOPS, JobReleases.CANCEL,
            JobReleases.RELEASE_RUNNERS_JOBS, JobReleases.RELEASE_EXPIRED, JobReleases.TIME_OUT, HeldJobs.ACKNOWLEDGE_STOP);

    @Test
    void aClaimTakesOnlyWhatMayBecomeRunning() {
        assertThat(JobClaims.CLAIM).contains("j.status IN (" + JobStatus.sqlSourcesOf(RUNNING) + ")")
                .contains("SET status = '" + RUNNING.wire() + "'");
    }

    @Test
    void aCancelTakesOnlyWhatMayBecomeCancelled() {
        assertThat(JobReleases.CANCEL).contains("j.status IN (" + JobStatus.sqlSourcesOf(CANCELLED) + ")")
                .contains("SET status = '" + CANCELLED.wire() + "'");
    }

    @Test
    void aTimeoutTakesOnlyWhatMayTimeOut() {
        assertThat(JobReleases.TIME_OUT).contains("status IN (" + JobStatus.sqlSourcesOf(TIMEOUT) + ")")
                .contains("SET status = '" + TIMEOUT.wire() + "'");
    }

    @Test
    void aReleaseTakesRunningJobsBackToTheQueueOrToFailure() {
        assertThat(RUNNING.canBecome(QUEUED) && RUNNING.canBecome(FAILURE)).isTrue();
        for (String release : List.of(JobReleases.RELEASE_RUNNERS_JOBS, JobReleases.RELEASE_EXPIRED)) {
            assertThat(release).contains("WHERE status = '" + RUNNING.wire() + "'")
                    .contains("THEN '" + QUEUED.wire() + "' ELSE '" + FAILURE.wire() + "'");
        }
    }

    @Test
    void aHoldersChangeWritesOnlyARunningJob() {
        for (String change : List.of(HeldJobs.REPORT_PROGRESS, HeldJobs.COMPLETE, HeldJobs.HELD + HeldJobs.APPENDED)) {
            assertThat(change).contains("status = '" + RUNNING.wire() + "'\n");
        }
        assertThat(RUNNING.canBecome(JobStatus.SUCCESS) && RUNNING.canBecome(FAILURE)).isTrue();
    }

    @Test
    void everyStatusNamedInTheSqlIsAStatusOfTheStateMachine() {
        Pattern named = Pattern.compile("status\\s*(?:=|IN\\s*\\(|<>)\\s*((?:'[a-z_]+'(?:,\\s*)?)+)|THEN '([a-z_]+)' ELSE '([a-z_]+)'");
        int seen = 0;
        for (String statement : STATEMENTS) {
            Matcher matcher = named.matcher(statement);
            while (matcher.find()) {
                for (int group = 1; group <= 3; group++) {
                    if (matcher.group(group) != null) {
                        for (String name : matcher.group(group).replace("'", "").split(",\\s*")) {
                            assertThat(JobStatus.WIRE_NAMES).as(statement).contains(name);
                            seen++;
                        }
                    }
                }
            }
        }
        assertThat(seen).as("status names found").isGreaterThan(10);
    }
}
