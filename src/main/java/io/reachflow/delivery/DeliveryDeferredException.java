package io.reachflow.delivery;

import java.time.Duration;

/**
 * A batch must be tried again later: its provider took none of its messages (each failed temporarily). Thrown by the
 * batch's job, so that the engine retries it with the backoff of its retry cycle, at the earliest after
 * {@link #waitFor()}, and raises an incident once the retries are used up.
 */
public class DeliveryDeferredException extends RuntimeException {

    private final transient Duration waitFor;

    public DeliveryDeferredException(String message, Duration waitFor) {
        super(message);
        this.waitFor = waitFor;
    }

    /** How long the next attempt must wait at least; null when the retry cycle's backoff will do. */
    public Duration waitFor() {
        return waitFor;
    }
}
