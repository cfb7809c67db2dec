package dev.paddock.runner;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A runner of a tenant's fleet. {@code status} is derived by the database from the other fields. */
@Entity
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

    @Column(name = "active_jobs")
    public int activeJobs;

    @Column(name = "jobs_completed")
    public long jobsCompleted;

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

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Derived; kept in lockstep with {@link #effectiveStatus()} by the generated column. */
    @Column(insertable = false, updatable = false)
    public String status;

    /** Same rule as the generated column {@code runners.status}, for entities changed in this transaction. */
    public String effectiveStatus() {
        return RunnerStatus.derive(reportedStatus, drainRequested, activeJobs, maxConcurrency);
    }

    public static Runner findInTenant(UUID id, String tenant) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }
}
