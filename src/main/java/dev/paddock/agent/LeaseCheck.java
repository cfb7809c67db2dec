package dev.paddock.agent;

import dev.paddock.dispatch.Fence;
import dev.paddock.problem.ProblemException;

import java.util.regex.Pattern;

/**
 * How a runner's call proves it holds the job: the job's current lease id (Paddock's agents), or,
 * for dialects whose agents send none, being the runner the job runs on (a lease id they do send
 * is still checked). A lease id that is missing or no longer the job's is 409 lease-lost; a value
 * that is no lease id at all is a header that does not parse, a 400 naming it (API.md).
 */
public final class LeaseCheck {

    /** The header Paddock's agents carry a job's lease id in. */
    public static final String HEADER = "X-Lease-Id";
    /** A lease id as the claim answers it: a UUID, in either case, spaces around it allowed. */
    private static final Pattern LEASE_ID = Pattern.compile(
            "\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*");

    private final Fence fence;

    private LeaseCheck(Fence fence) {
        this.fence = fence;
    }

    public static LeaseCheck lease(String leaseId) {
        return new LeaseCheck(Fence.lease(parsed(leaseId, HEADER)));
    }

    public static LeaseCheck holderOr(String leaseId) {
        return new LeaseCheck(Fence.holderOr(parsed(leaseId, HEADER)));
    }

    /** The lease id sent in {@code header}, trimmed; null when none was; 400 naming the header when it is no lease id. */
    public static String parsed(String value, String header) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!LEASE_ID.matcher(value).matches()) {
            throw ProblemException.invalid(header, "must be the lease id the claim answered (a UUID)");
        }
        return value.trim();
    }

    Fence fence() {
        return fence;
    }
}
