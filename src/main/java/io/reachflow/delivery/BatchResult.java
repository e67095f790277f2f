package io.reachflow.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What one attempt at a batch did, and what is left of it.
 *
 * @param delivered  the recipients delivered
 * @param failed     the recipients recorded as failed (a permanent rejection, or a send interrupted with a provider
 *                   that could not recognise it again)
 * @param deferred   the recipients a provider failed temporarily: PLANNED again, for a later attempt
 * @param left       the batch's recipients not done after the attempt: PLANNED (the deferred ones included), or
 *                   SENDING in another attempt
 * @param retryAfter how long the provider asked to wait (Retry-After); null when it did not say
 * @param dueAt      when the next of the batch's recipients is due, when none is due now (a send window, a
 *                   do-not-disturb day, the rate limit, a deferral's pause, another attempt's claim expiring);
 *                   null otherwise
 * @param reason     the last temporary failure, for the job's failure message; null without one
 */
public record BatchResult(int delivered, int failed, int deferred, int left, Duration retryAfter, Instant dueAt,
                          String reason) {

    /**
     * The provider took nothing: every message handed over failed temporarily. The batch is retried with the
     * engine's backoff, as a failed job, and becomes an incident when that goes on. An attempt that got messages
     * through does not count against the retries: its deferred recipients wait at the worker's timer.
     */
    public boolean mustRetry() {
        return deferred > 0 && delivered == 0 && failed == 0;
    }

    /** Nothing failed, but the rest of the batch is not due before {@link #dueAt}: the worker waits until then. */
    public boolean waits() {
        return !mustRetry() && dueAt != null;
    }

    /** Recipients are left that are due now: the time for one job ran out, the next one goes on. */
    public boolean goesOn() {
        return left > 0 && !mustRetry() && !waits();
    }
}
