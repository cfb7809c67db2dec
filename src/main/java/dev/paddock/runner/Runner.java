package dev.paddock.runner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A runner of a tenant's fleet, as a row of {@code runners} reads ({@link RunnerRows}); only
 * {@link RunnerStore} writes that table. {@code status} and {@code free_slots} are derived from the row when read ({@link RunnerState}).
 */
public class Runner {

    public UUID id;
    public String tenant;
    public String name;
    public List<String> labels;
    public String version;
    public String os;
    public String arch;
    public Map<String, Object> capabilities;
    public Map<String, Object> systemInfo;
    public int maxConcurrency;

    /** Jobs it runs now, kept by the dispatch core as it claims and releases them. */
    public int activeJobs;
    public long jobsCompleted;

    /** For one job in its life: deleted when that job's attempt ends (V1.12.0). */
    public boolean ephemeral;
    /** When it first claimed a job: an ephemeral runner that has not is retired once idle too long. */
    public Instant firstClaimAt;
    public String reportedStatus;
    public boolean drainRequested;
    public byte[] tokenHash;
    public String tokenPrefix;
    public Instant lastHeartbeatAt;
    public String registeredBy;
    /** The API key that registered the runner (it may act as the runner), if one did. */
    public UUID registeredWithKey;
    public Instant createdAt;
    public Instant updatedAt;

    /** The status people see, derived from the row by the schema's {@code runner_status} and read back on every write. */
    public String status;

    /** How many more jobs it can take now: the one rule of capacity, the schema's {@code runner_free_slots}. */
    public int freeSlots;
}
