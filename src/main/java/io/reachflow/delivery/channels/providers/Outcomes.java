package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.ProviderChannel.HandOver;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.task.Channel;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a push's outcomes per user and reports its permanent rejections, the outcome an operator must see: counted
 * by reason once per batch, each one with its detail at DEBUG. Above DEBUG the log names reasons only, never a
 * provider's answer, which may name recipients.
 */
final class Outcomes {

    /** Temporary failures in a row after which a provider is taken to be down (or throttling) for now. */
    static final int TEMPORARY_FAILURES_IN_A_ROW = 3;

    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private Outcomes() {
    }

    /**
     * Sends each message on its own, as long as {@code handOver} allows (time, and the push still to be sent) and the
     * provider takes messages (it did not ask to wait, nor fail temporarily {@value #TEMPORARY_FAILURES_IN_A_ROW}
     * times in a row); the messages not handed over get no outcome.
     */
    static Map<String, SendOutcome> eachMessage(Channel channel, long taskId, long pushId,
            List<RenderedMessage> messages, HandOver handOver, Clock clock,
            Function<RenderedMessage, SendOutcome> send) {
        Map<String, SendOutcome> outcomes = new LinkedHashMap<>();
        Map<String, Integer> rejections = new TreeMap<>();
        int temporaryInARow = 0;
        for (RenderedMessage message : messages) {
            if (!outcomes.isEmpty() && clock.instant().isAfter(handOver.until())) {
                log.debug("{} push {}: time is up after {} of {} messages", channel, pushId, outcomes.size(),
                        messages.size());
                break;
            }
            if (!outcomes.isEmpty() && !handOver.wanted().getAsBoolean()) {
                log.info("Task {}: push {} was paused or stopped while {} took its messages: {} of {} handed over, "
                        + "the rest not", taskId, pushId, channel, outcomes.size(), messages.size());
                break;
            }
            SendOutcome outcome = send.apply(message);
            outcomes.put(message.userId(), outcome);
            if (outcome instanceof Rejected rejected) {
                rejections.merge(rejected.reason(), 1, Integer::sum);
                log.debug("Task {}: push {}: {} rejected user {}: {}", taskId, pushId, channel, message.userId(),
                        rejected);
            }
            temporaryInARow = outcome instanceof Deferred ? temporaryInARow + 1 : 0;
            if (outcome instanceof Deferred deferred
                    && (deferred.retryAfter() != null || temporaryInARow >= TEMPORARY_FAILURES_IN_A_ROW)) {
                long answered = outcomes.values().stream().filter(sent -> !(sent instanceof Deferred)).count();
                log.info("Task {}: push {}: {} is not taking messages now: {}; {} of {} handed over, the rest "
                        + "tried again later", taskId, pushId, channel, deferred.describe(), answered, messages.size());
                break;
            }
        }
        if (!rejections.isEmpty()) {
            log.warn("Task {}: push {}: {} rejected {} of {} messages, by reason: {}", taskId, pushId, channel,
                    rejections.values().stream().mapToInt(Integer::intValue).sum(), outcomes.size(), rejections);
        }
        return outcomes;
    }

    /** The one answer to a request that carried all the messages. */
    static Map<String, SendOutcome> allMessages(Channel channel, long taskId, long pushId,
            List<RenderedMessage> messages, SendOutcome outcome) {
        if (outcome instanceof Rejected rejected) {
            log.warn("Task {}: push {}: {} rejected all {} messages: {}", taskId, pushId, channel, messages.size(),
                    rejected.reason());
        }
        Map<String, SendOutcome> outcomes = new LinkedHashMap<>();
        messages.forEach(message -> outcomes.put(message.userId(), outcome));
        return outcomes;
    }
}
