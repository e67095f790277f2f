package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.task.Channel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Collects a push's outcomes per user and reports each permanent rejection, the one outcome an operator must see. */
final class Outcomes {

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private Outcomes() {
    }

    /** Sends each message on its own. */
    static Map<String, SendOutcome> eachMessage(Channel channel, long taskId, long pushId,
            List<RenderedMessage> messages, Function<RenderedMessage, SendOutcome> send) {
        Map<String, SendOutcome> outcomes = new LinkedHashMap<>();
        for (RenderedMessage message : messages) {
            SendOutcome outcome = send.apply(message);
            if (outcome instanceof Rejected rejected) {
                log.warn("{} rejected user {} of push {} (task {}): {}", channel, message.userId(), pushId, taskId,
                        rejected.reason());
            }
            outcomes.put(message.userId(), outcome);
        }
        return outcomes;
    }

    /** The one answer to a request that carried all the messages. */
    static Map<String, SendOutcome> allMessages(Channel channel, long taskId, long pushId,
            List<RenderedMessage> messages, SendOutcome outcome) {
        if (outcome instanceof Rejected rejected) {
            log.warn("{} rejected all {} messages of push {} (task {}): {}", channel, messages.size(), pushId, taskId,
                    rejected.reason());
        }
        Map<String, SendOutcome> outcomes = new LinkedHashMap<>();
        messages.forEach(message -> outcomes.put(message.userId(), outcome));
        return outcomes;
    }
}
