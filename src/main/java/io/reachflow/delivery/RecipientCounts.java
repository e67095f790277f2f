package io.reachflow.delivery;

import java.util.Map;

/** How a push's recipients stand, by status, with skips and failures by reason. */
public record RecipientCounts(long total, long delivered, long failed, long skipped, long planned,
                              Map<String, Long> skippedByReason, Map<String, Long> failedByReason) {
}
