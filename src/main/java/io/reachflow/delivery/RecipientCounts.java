package io.reachflow.delivery;

import java.util.Map;

/**
 * How a push's recipients stand, by status, with skips and failures by reason, and why those still planned wait
 * (a provider's temporary failure, to be retried).
 */
public record RecipientCounts(long total, long delivered, long failed, long skipped, long planned, long sending,
                              Map<String, Long> skippedByReason, Map<String, Long> failedByReason,
                              Map<String, Long> deferredByReason) {

    /** Not sent to yet: planned, or with a provider that has not answered. */
    public long remaining() {
        return planned + sending;
    }

    /** Called off before they were sent to: the task was completed, or edited while paused. */
    public long cancelled() {
        return total - delivered - failed - skipped - planned - sending;
    }
}
