package io.reachflow.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.reachflow.system.AfterCommit;
import io.reachflow.task.Channel;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * What delivery did, as Micrometer meters (on {@code /actuator/prometheus} and {@code /actuator/metrics}, for
 * admins), for dashboards and alerts across nodes:
 * <ul>
 *   <li>{@code reachflow.recipients} (counter; tags {@code channel}, {@code kind} LIVE or TEST, {@code outcome}):
 *   a live push's recipients {@code delivered} and {@code failed} as each batch is done, {@code deferred} each time
 *   a provider failed one temporarily (a recipient deferred twice counts twice), {@code skipped} and
 *   {@code cancelled} when the push finishes; a test round's when it is done;</li>
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

    /**
     * Makes one attempt at a batch of a live push, timed, and counts what became of its recipients. Through a
     * provider its outcomes were committed step by step, and count at once (also when the job then fails for a
     * retry); written in the database, they count once the caller's transaction commits, so that an attempt rolled
     * back and run again counts once.
     */
    BatchResult batch(Channel channel, boolean committed, Supplier<BatchResult> attempt) {
        long start = System.nanoTime();
        BatchResult result = attempt.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Runnable count = () -> {
            Timer.builder("reachflow.delivery.batch").description("One attempt at a batch of a live push")
                    .tag("channel", channel.name()).register(registry).record(took);
            recipients(channel, PushKind.LIVE, "delivered", result.delivered());
            recipients(channel, PushKind.LIVE, "failed", result.failed());
            recipients(channel, PushKind.LIVE, "deferred", result.deferred());
        };
        if (committed) {
            count.run();
        } else {
            AfterCommit.run(count);
        }
        return result;
    }

    /**
     * A push finished: a test round's outcomes, a live push's skips and cancellations (its batches counted the rest);
     * once the transaction commits.
     */
    void finished(Push push, RecipientCounts counts, PushStatus outcome) {
        Channel channel = push.getChannel();
        PushKind kind = push.getKind();
        AfterCommit.run(() -> {
            Counter.builder("reachflow.pushes").description("Pushes and test rounds finished")
                    .tag("channel", channel.name()).tag("kind", kind.name()).tag("outcome", outcome.name())
                    .tag("reached", reached(counts)).register(registry).increment();
            if (kind == PushKind.TEST) {
                recipients(channel, PushKind.TEST, "delivered", counts.delivered());
                recipients(channel, PushKind.TEST, "failed", counts.failed());
            } else {
                recipients(channel, PushKind.LIVE, "skipped", counts.skipped());
                recipients(channel, PushKind.LIVE, "cancelled", counts.cancelled());
            }
        });
    }

    /**
     * Whom a finished push reached: {@code all} it targeted, {@code some}, or {@code none} (every message rejected,
     * say): a push whose provider refused all its messages is DELIVERED (done), and an alert on pushes that reached
     * nobody needs to tell it from one that reached everyone.
     */
    static String reached(RecipientCounts counts) {
        if (counts.delivered() == 0) {
            return "none";
        }
        return counts.delivered() == counts.total() ? "all" : "some";
    }

    /** Recipients of a live push called off while a provider had its batch, cancelled after the push was counted. */
    void cancelledAfterFinish(Channel channel, int cancelled) {
        AfterCommit.run(() -> recipients(channel, PushKind.LIVE, "cancelled", cancelled));
    }

    private void recipients(Channel channel, PushKind kind, String outcome, long count) {
        if (count > 0) {
            Counter.builder("reachflow.recipients").description("Recipients of pushes and test rounds, by outcome")
                    .tag("channel", channel.name()).tag("kind", kind.name()).tag("outcome", outcome)
                    .register(registry).increment(count);
        }
    }
}
