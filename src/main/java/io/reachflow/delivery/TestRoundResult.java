package io.reachflow.delivery;

import io.reachflow.delivery.DeliveryService.RecipientOutcome;
import java.util.Collection;

/**
 * What a test round showed, from its testers' outcomes: {@code IN_PROGRESS} while a tester has not been sent to yet,
 * then {@code PASSED} when it reached every tester, {@code FAILED} when it missed one (the submission check wants a
 * round that reached every tester).
 */
public enum TestRoundResult {
    IN_PROGRESS, PASSED, FAILED;

    public static TestRoundResult of(Collection<RecipientOutcome> testers) {
        if (testers.stream().anyMatch(tester -> tester.status() == RecipientStatus.PLANNED
                || tester.status() == RecipientStatus.SENDING)) {
            return IN_PROGRESS;
        }
        return !testers.isEmpty() && testers.stream().allMatch(tester -> tester.status() == RecipientStatus.DELIVERED)
                ? PASSED : FAILED;
    }
}
