package io.reachflow.delivery.channels;

import io.reachflow.task.Channel;
import java.util.List;
import java.util.Map;

/**
 * Hands rendered messages to a real provider of one channel and reports, per recipient, what the provider answered.
 * Calls the outside world: never call it inside a request or a database transaction.
 */
public interface ProviderChannel {

    Channel channel();

    /** Sends the messages of one push; returns an outcome for every user id in {@code messages}. */
    Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages);

    /** The key under which a provider may recognise a message it has already taken: one per push and user. */
    static String idempotencyKey(long pushId, String userId) {
        return pushId + ":" + userId;
    }
}
