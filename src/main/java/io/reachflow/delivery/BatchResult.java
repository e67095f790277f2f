package io.reachflow.delivery;

import java.time.Duration;

/**
 * What one attempt at a batch did, and what is left of it.
 *
 * @param delivered the recipients delivered
 * @param failed    the recipients recorded as failed (a permanent rejection, or a send interrupted with a provider
 *                  that could not recognise it again)
 * @param deferred  the recipients a provider failed temporarily: PLANNED again, for the batch's retry
 * @param left      the batch's recipients still PLANNED after the attempt (the deferred ones included)
 * @param waitFor   how long to wait before the batch's next attempt: what the provider asked for, or until the
 *                  earliest recipient that must wait is due; null when the retry's own backoff will do
 * @param reason    the last temporary failure, for the job's failure message; null without one
 */
public record BatchResult(int delivered, int failed, int deferred, int left, Duration waitFor, String reason) {

    static final BatchResult NOTHING = new BatchResult(0, 0, 0, 0, null, null);

    /** The batch must be tried again later: recipients were deferred, or are left that are not due yet. */
    public boolean mustWait() {
        return deferred > 0 || (left > 0 && waitFor != null);
    }

    /** Recipients are left that are due now: the time for one job ran out, the next one goes on. */
    public boolean goesOn() {
        return left > 0 && !mustWait();
    }
}
