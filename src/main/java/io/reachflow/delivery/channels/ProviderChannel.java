package io.reachflow.delivery.channels;

import io.reachflow.task.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Hands rendered messages to a real provider of one channel and reports, per recipient, what the provider answered.
 * Calls the outside world: never call it inside a request or while holding database locks.
 */
public interface ProviderChannel {

    Channel channel();

    /**
     * Where its messages go, for the log: an endpoint's scheme, host, port and path (never its credentials or query),
     * or an SMTP server.
     */
    String destination();

    /**
     * Sends the messages of one push, one after the other, and returns the outcome of each message handed over.
     * It stops handing over, leaving the rest without an outcome (for a later attempt), once {@code handOver} says
     * so (time is up, or the push was paused or stopped meanwhile) or the provider is plainly not taking messages
     * now: it asked to wait (a temporary failure with {@code Retry-After}) or failed temporarily several times in a
     * row.
     */
    Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages, HandOver handOver);

    /** Sends all the messages, however long it takes. */
    default Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages) {
        return send(taskId, pushId, messages, HandOver.ALL);
    }

    /**
     * Whether the provider recognises a message it has already taken by its {@link #idempotencyKey}, so that a
     * message whose answer was lost (the node stopped while the provider had it) may be sent again. Where it does
     * not, such a message is recorded as failed rather than risk sending it twice.
     */
    boolean deduplicates();

    /**
     * How long a channel that sends message by message goes on handing them over: until {@code until}, and while
     * {@code wanted} holds (asked before each message after the first: the push is still to be sent, not paused or
     * stopped since its messages were claimed).
     */
    record HandOver(Instant until, BooleanSupplier wanted) {

        /** Every message, however long it takes. */
        public static final HandOver ALL = new HandOver(Instant.MAX, () -> true);
    }

    /** The key under which a provider may recognise a message it has already taken: one per push and user. */
    static String idempotencyKey(long pushId, String userId) {
        return pushId + ":" + userId;
    }
}
