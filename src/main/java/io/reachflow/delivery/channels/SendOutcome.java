package io.reachflow.delivery.channels;

import java.time.Duration;

/**
 * What a provider answered for one recipient. A failure has a {@code reason}, a short code that is the same for
 * every recipient failing the same way ({@code HTTP 400}, {@code SMTP 550}, {@code INVALID_ADDRESS}), by which a
 * push's failures are counted, and a {@code detail}, what the provider said about this recipient (null when it
 * said nothing more). The detail is the recipient's own: it may name them (an address, a phone number), so it is
 * stored with the recipient and logged at DEBUG only; what is logged above that, or told in a job's failure, is the
 * reason.
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
    }

    /** Temporary: a timeout, a refused connection, throttling or a provider error. Retried, after {@code retryAfter}
     * when the provider said (null when it did not). */
    record Deferred(String reason, String detail, Duration retryAfter) implements SendOutcome {

        public Deferred(String reason, Duration retryAfter) {
            this(reason, null, retryAfter);
        }

        /**
         * The reason, and the wait the provider asked for ({@code HTTP 429, Retry-After 30s}): for a job's failure
         * message, its incident and the log above DEBUG. Never the detail, the provider's answer, which may name
         * recipients (a gateway's body its phone numbers).
         */
        public String describe() {
            return retryAfter == null ? reason : reason + ", Retry-After " + retryAfter.toSeconds() + "s";
        }
    }
}
