package dev.paddock.runner;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.generator.EventType;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A runner of a tenant's fleet, as people's reads see it: Hibernate reads it and never writes it
 * ({@link RunnerStore} does). {@code status} and {@code free_slots} are derived by the database.
 */
@Entity
@Immutable
@Table(name = "runners")
public class Runner extends PanacheEntityBase {

    @Id
    public UUID id;

    public String tenant;

    public String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "varchar(63)[]")
    public List<String> labels;

    public String version;

    public String os;

    public String arch;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> capabilities;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "system_info")
    public Map<String, Object> systemInfo;

    @Column(name = "max_concurrency")
    public int maxConcurrency;

    /** Jobs it runs now, kept by the dispatch core as it claims and releases them. */
    @Column(name = "active_jobs", insertable = false, updatable = false)
    public int activeJobs;

    @Column(name = "jobs_completed", insertable = false, updatable = false)
    public long jobsCompleted;

    /** For one job in its life: deleted when that job's attempt ends (V1.12.0). */
    @Column(name = "ephemeral", insertable = false, updatable = false)
    public boolean ephemeral;

    @Column(name = "reported_status")
    public String reportedStatus;

    @Column(name = "drain_requested")
    public boolean drainRequested;

    @Column(name = "token_hash")
    public byte[] tokenHash;

    @Column(name = "token_prefix")
    public String tokenPrefix;

    @Column(name = "last_heartbeat_at")
    public Instant lastHeartbeatAt;

    @Column(name = "registered_by")
    public String registeredBy;
    /** The API key that registered the runner (it may act as the runner), if one did. */
    @Column(name = "registered_with_key")
    public UUID registeredWithKey;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The status people see, derived by the schema (migration V1.3.0) and read back on every write. */
    @Generated(event = {EventType.INSERT, EventType.UPDATE})
    @Column(insertable = false, updatable = false)
    public String status;

    /** How many more jobs it can take now: the one rule of capacity, in the schema (migration V1.4.0). */
    @Generated(event = {EventType.INSERT, EventType.UPDATE})
    @Column(name = "free_slots", insertable = false, updatable = false)
    public int freeSlots;

    public static Runner findInTenant(UUID id, String tenant) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }
}
