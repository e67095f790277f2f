package io.reachflow.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.reachflow.task.Channel;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What delivery did, as Micrometer meters (on {@code /actuator/prometheus} and {@code /actuator/metrics}, for
 * admins), for dashboards and alerts across nodes:
 * <ul>
 *   <li>{@code reachflow.recipients} (counter; tags {@code channel}, {@code kind} LIVE or TEST, {@code outcome}):
 *   a live push's recipients {@code delivered}, {@code failed} and {@code deferred} as each batch is done, and
 *   {@code skipped} and {@code cancelled} when the push finishes; a test round's when it is done;</li>
 *   <li>{@code reachflow.delivery.batch} (timer; tag {@code channel}): one attempt at a batch of a live push;</li>
 *   <li>{@code reachflow.pushes} (counter; tags {@code channel}, {@code kind}, {@code outcome} DELIVERED or
 *   CANCELLED): pushes finished.</li>
 * </ul>
 */
@Component
class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One attempt at a batch of a live push, and what became of its recipients. */
    void batch(Channel channel, BatchResult result, Duration took) {
        Timer.builder("reachflow.delivery.batch").description("One attempt at a batch of a live push")
                .tag("channel", channel.name()).register(registry).record(took);
        recipients(channel, PushKind.LIVE, "delivered", result.delivered());
        recipients(channel, PushKind.LIVE, "failed", result.failed());
        recipients(channel, PushKind.LIVE, "deferred", result.deferred());
    }

    /** A push finished: a test round's outcomes, a live push's skips and cancellations (its batches counted the rest). */
    void finished(Push push, RecipientCounts counts, PushStatus outcome) {
        Counter.builder("reachflow.pushes").description("Pushes and test rounds finished")
                .tag("channel", push.getChannel().name()).tag("kind", push.getKind().name())
                .tag("outcome", outcome.name()).register(registry).increment();
        if (push.getKind() == PushKind.TEST) {
            recipients(push.getChannel(), PushKind.TEST, "delivered", counts.delivered());
            recipients(push.getChannel(), PushKind.TEST, "failed", counts.failed());
        } else {
            recipients(push.getChannel(), PushKind.LIVE, "skipped", counts.skipped());
            recipients(push.getChannel(), PushKind.LIVE, "cancelled", counts.cancelled());
        }
    }

    private void recipients(Channel channel, PushKind kind, String outcome, long count) {
        if (count > 0) {
            Counter.builder("reachflow.recipients").description("Recipients of pushes and test rounds, by outcome")
                    .tag("channel", channel.name()).tag("kind", kind.name()).tag("outcome", outcome)
                    .register(registry).increment(count);
        }
    }
}
