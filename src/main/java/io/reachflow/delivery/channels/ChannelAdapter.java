package io.reachflow.delivery.channels;

import io.reachflow.task.Channel;
import java.util.List;
import java.util.Map;

/** Hands rendered messages to one channel. Each message is keyed by push id and user id, its idempotency key. */
public interface ChannelAdapter {

    boolean handles(Channel channel);

    /** Delivers a batch; returns the failure per user that failed (empty when all were delivered). */
    Map<String, SendOutcome.Rejected> deliver(long taskId, long pushId, Channel channel, List<RenderedMessage> messages);
}
