package dev.paddock.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.db.Columns;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A {@code runners} row read straight from JDBC into a detached {@link Runner}: what the store's
 * writes answer, people's reads, or an event's snapshot of it, each as {@link RunnerState#COLUMNS}:
 * every column of the table and the two the schema derives have their field.
 */
public final class RunnerRows {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private RunnerRows() {
    }

    public static Runner read(Columns row) throws SQLException {
        Runner runner = new Runner();
        runner.id = row.uuid("id");
        runner.tenant = row.string("tenant");
        runner.name = row.string("name");
        List<String> labels = row.strings("labels");
        runner.labels = labels == null ? List.of() : labels;
        runner.version = row.string("version");
        runner.os = row.string("os");
        runner.arch = row.string("arch");
        runner.capabilities = row.json("capabilities", OBJECT);
        runner.systemInfo = row.json("system_info", OBJECT);
        runner.maxConcurrency = row.integer("max_concurrency");
        runner.activeJobs = row.integer("active_jobs");
        runner.jobsCompleted = row.bigint("jobs_completed");
        runner.ephemeral = row.bool("ephemeral");
        runner.firstClaimAt = row.instant("first_claim_at");
        runner.reportedStatus = row.string("reported_status");
        runner.drainRequested = row.bool("drain_requested");
        runner.tokenHash = row.bytes("token_hash");
        runner.tokenPrefix = row.string("token_prefix");
        runner.lastHeartbeatAt = row.instant("last_heartbeat_at");
        runner.registeredBy = row.string("registered_by");
        runner.registeredWithKey = row.uuid("registered_with_key");
        runner.createdAt = row.instant("created_at");
        runner.updatedAt = row.instant("updated_at");
        runner.status = row.string("status");
        runner.freeSlots = row.integer("free_slots");
        return runner;
    }
}
