package io.reachflow.delivery;

import java.time.Instant;

/**
 * A batch must be tried again later: its provider took none of its messages (each failed temporarily). Thrown by the
 * batch's job, so that the engine retries it with the backoff of its retry cycle, but never before
 * {@link #notBefore()}, and raises an incident once the retries are used up.
 * <p>An expected condition, not a fault in the code: it carries no stack trace, so that the job executor's warning
 * for each failed attempt (ENGINE-14006) is its message only, also when a provider's outage fails batch after batch.
 * The message says what failed (the task, push and batch, how many wait, and why); the incident keeps it.
 */
public class DeliveryDeferredException extends RuntimeException {

    private final transient Instant notBefore;

    public DeliveryDeferredException(String message, Instant notBefore) {
        super(message, null, true, false);
        this.notBefore = notBefore;
    }

    /**
     * When the batch's deferred recipients are due again (the provider's Retry-After, or the pause after a temporary
     * failure): a retry before then would find none of them due, count for nothing and leave the worker waiting at
     * its timer, whose next job starts with all its retries again. Null when the retry cycle's backoff will do.
     */
    public Instant notBefore() {
        return notBefore;
    }
}
