package io.reachflow.delivery.channels;

import java.time.Duration;

/** What a provider answered for one recipient. */
public sealed interface SendOutcome {

    /** The provider accepted the message. */
    record Delivered() implements SendOutcome {
    }

    /** Permanent: an invalid address or a request the provider will never accept. Never retried. */
    record Rejected(String reason) implements SendOutcome {
    }

    /** Temporary: a timeout, a refused connection, throttling or a provider error. Retried, after {@code retryAfter}
     * when the provider said (null when it did not). */
    record Deferred(String reason, Duration retryAfter) implements SendOutcome {
    }
}
