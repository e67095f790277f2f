package io.reachflow.delivery;

import io.reachflow.task.FrequencyCap;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a live push is cut up: batches (one engine job each), delivered by at most {@code workers} jobs of a push at a
 * time (across all nodes). More workers deliver faster on more nodes; each is an execution of the push's delivery
 * process. A node's job executor holds its threads' jobs, its queue's and one acquisition's more; the workers must
 * outnumber that for other nodes to find batches of the push.
 *
 * @param batchSize         recipients per batch on a channel written in the database (IN_APP, the outbox)
 * @param providerBatchSize recipients per batch on a channel with a provider: its messages go out one request at a
 *                          time, so a batch is smaller
 * @param providerBatchTime how long a batch job hands messages to a provider at most; the rest is left for the next
 *                          job. Keep it well under the job executor's lock time (5 minutes by default), after which
 *                          another node would take the job over.
 * @param retryCycle        when a batch whose provider failed temporarily is tried again: the engine's retry cycle
 *                          ({@code R5/PT1M}, or intervals one per retry); after the last one the batch is an incident
 * @param recipientsRetention how long a finished live push keeps its recipient rows (each recipient's status, reason
 *                          and detail); then they are deleted and the push keeps its counts. Longer than the longest
 *                          frequency-cap period and the claim expiry, over which the caps count those rows.
 * @param messagesRetention how long a message stays in a user's in-app inbox (and in the sandbox's outbox); then
 *                          the housekeeping process deletes it. At least a day.
 */
@Validated
@ConfigurationProperties("reachflow.delivery")
public record DeliveryProperties(@DefaultValue("10000") @Min(1) @Max(100_000) int batchSize,
                                 @DefaultValue("200") @Min(1) @Max(10_000) int providerBatchSize,
                                 @DefaultValue("2m") @NotNull Duration providerBatchTime,
                                 @DefaultValue("16") @Min(1) @Max(64) int workers,
                                 @DefaultValue("PT10S,PT30S,PT1M,PT2M,PT5M,PT10M") @NotBlank String retryCycle,
                                 @DefaultValue("P90D") @NotNull Duration recipientsRetention,
                                 @DefaultValue("P180D") @NotNull Duration messagesRetention) {

    @AssertTrue(message = "must be at least a day")
    boolean isMessagesRetention() {
        return messagesRetention == null || messagesRetention.compareTo(Duration.ofDays(1)) >= 0;
    }

    @AssertTrue(message = "must be longer than the longest frequency-cap period (30 days) and the claim expiry "
            + "(provider-batch-time and a minute), which the caps count back over in the recipient rows")
    boolean isRecipientsRetention() {
        return recipientsRetention == null || providerBatchTime == null
                || recipientsRetention.compareTo(FrequencyCap.LONGEST_PERIOD.plus(claimExpiry())) > 0;
    }

    int batchSize(boolean throughProvider) {
        return throughProvider ? providerBatchSize : batchSize;
    }

    /**
     * How old a claim of recipients (SENDING) must be before another attempt takes it for interrupted: the longest
     * a job hands messages over, and a minute more for the last request's timeouts. Under the job lock time (5
     * minutes), after which a stopped node's job is taken over.
     */
    Duration claimExpiry() {
        return providerBatchTime.plus(Duration.ofMinutes(1));
    }
}
