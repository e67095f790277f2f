package io.reachflow.delivery.channels;

import java.time.Duration;

/**
 * What a provider answered for one recipient. A failure has a {@code reason}, a short code that is the same for
 * every recipient failing the same way ({@code HTTP 400}, {@code SMTP 550}, {@code INVALID_ADDRESS}), by which a
 * push's failures are counted, and a {@code detail}, what the provider said about this recipient (null when it
 * said nothing more).
 */
public sealed interface SendOutcome {

    /** The provider accepted the message. */
    record Delivered() implements SendOutcome {
    }

    /** Permanent: an invalid address or a request the provider will never accept. Never retried. */
    record Rejected(String reason, String detail) implements SendOutcome {

        public Rejected(String reason) {
            this(reason, null);
        }

        /** The reason with its detail, for logs. */
        public String describe() {
            return SendOutcome.describe(reason, detail);
        }
    }

    /** Temporary: a timeout, a refused connection, throttling or a provider error. Retried, after {@code retryAfter}
     * when the provider said (null when it did not). */
    record Deferred(String reason, String detail, Duration retryAfter) implements SendOutcome {

        public Deferred(String reason, Duration retryAfter) {
            this(reason, null, retryAfter);
        }

        /** The reason with its detail, for logs and a job's failure message. */
        public String describe() {
            return SendOutcome.describe(reason, detail);
        }
    }

    private static String describe(String reason, String detail) {
        return detail == null ? reason : reason + " (" + detail + ")";
    }
}
