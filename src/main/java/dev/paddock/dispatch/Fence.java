package dev.paddock.dispatch;

/**
 * How a runner's call proves it holds a job: the job's current lease id, or, for dialects whose
 * agents send none, being the runner the job runs on (a lease id they do send is still checked).
 */
public record Fence(String leaseId, boolean holderSuffices) {

    static final Fence NONE = new Fence(null, false);

    public static Fence lease(String leaseId) {
        return new Fence(leaseId, false);
    }

    public static Fence holderOr(String leaseId) {
        boolean none = leaseId == null || leaseId.isBlank();
        return new Fence(none ? null : leaseId, none);
    }
}
