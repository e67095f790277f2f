package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.ProviderChannel.HandOver;
import io.reachflow.delivery.SkipReason;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.task.Channel;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.util.StringUtils;

/** A channel that sends each message on its own to its recipient's address; one without is rejected unsent. */
abstract class PerRecipientChannel implements ProviderChannel {

    private final Channel channel;
    private final Clock clock;

    PerRecipientChannel(Channel channel, Clock clock) {
        this.channel = channel;
        this.clock = clock;
    }

    @Override
    public final Channel channel() {
        return channel;
    }

    @Override
    public final Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages,
                                               HandOver handOver) {
        return Outcomes.eachMessage(channel, taskId, pushId, messages, handOver, clock,
                message -> StringUtils.hasText(message.address())
                        ? send(pushId, message)
                        : new Rejected(SkipReason.NO_ADDRESS.name(), "no " + channel + " address in the profile"));
    }

    /** Sends one message of push {@code pushId} to its recipient's address. */
    abstract SendOutcome send(long pushId, RenderedMessage message);
}
