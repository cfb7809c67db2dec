package dev.paddock.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@code runners} row read straight from JDBC into a detached {@link Runner}: what the store's
 * writes answer ({@code RETURNING *}). Column for column the entity's mapping.
 */
public final class RunnerRows {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private RunnerRows() {
    }

    public static Runner read(ResultSet row, ObjectMapper json) throws SQLException {
        Runner runner = new Runner();
        runner.id = row.getObject("id", UUID.class);
        runner.tenant = row.getString("tenant");
        runner.name = row.getString("name");
        Array labels = row.getArray("labels");
        runner.labels = labels == null ? List.of() : Arrays.asList((String[]) labels.getArray());
        runner.version = row.getString("version");
        runner.os = row.getString("os");
        runner.arch = row.getString("arch");
        runner.capabilities = parse(json, row.getString("capabilities"));
        runner.systemInfo = parse(json, row.getString("system_info"));
        runner.maxConcurrency = row.getInt("max_concurrency");
        runner.activeJobs = row.getInt("active_jobs");
        runner.jobsCompleted = row.getLong("jobs_completed");
        runner.ephemeral = row.getBoolean("ephemeral");
        runner.reportedStatus = row.getString("reported_status");
        runner.drainRequested = row.getBoolean("drain_requested");
        runner.tokenHash = row.getBytes("token_hash");
        runner.tokenPrefix = row.getString("token_prefix");
        runner.lastHeartbeatAt = instant(row, "last_heartbeat_at");
        runner.registeredBy = row.getString("registered_by");
        runner.registeredWithKey = row.getObject("registered_with_key", UUID.class);
        runner.createdAt = instant(row, "created_at");
        runner.updatedAt = instant(row, "updated_at");
        runner.status = row.getString("status");
        runner.freeSlots = row.getInt("free_slots");
        return runner;
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Map<String, Object> parse(ObjectMapper json, String text) throws SQLException {
        try {
            return text == null ? null : json.readValue(text, OBJECT);
        } catch (JsonProcessingException e) {
            throw new SQLException("a runner's JSON column does not hold an object", e);
        }
    }
}
