package dev.paddock.agent;

import dev.paddock.dispatch.Fence;

/**
 * How a runner's call proves it holds the job: the job's current lease id (Paddock's agents), or,
 * for dialects whose agents send none, being the runner the job runs on (a lease id they do send
 * is still checked).
 */
public final class LeaseCheck {

    private final Fence fence;

    private LeaseCheck(Fence fence) {
        this.fence = fence;
    }

    public static LeaseCheck lease(String leaseId) {
        return new LeaseCheck(Fence.lease(leaseId));
    }

    public static LeaseCheck holderOr(String leaseId) {
        return new LeaseCheck(Fence.holderOr(leaseId));
    }

    Fence fence() {
        return fence;
    }
}
