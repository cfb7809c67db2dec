package dev.paddock.support;

import dev.paddock.dispatch.Job;

import java.util.HashMap;
import java.util.List;

/** A job as people would describe it, for tests that enqueue through the dispatch core directly. */
public final class JobDrafts {

    private JobDrafts() {
    }

    public static Job draft(String tenant, String type) {
        Job job = new Job();
        job.tenant = tenant;
        job.type = type;
        job.labels = List.of();
        job.priority = 0;
        job.timeoutSeconds = 60;
        job.maxAttempts = 1;
        job.payload = new HashMap<>();
        job.secretNames = List.of();
        return job;
    }
}
