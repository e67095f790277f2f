package io.reachflow.delivery;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.ProviderChannel.HandOver;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.task.OperationTask;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One batch of a live push through a provider, in three steps so that no database lock is held while the provider
 * takes its time, and what it answered is never lost to a later failure:
 * <ol>
 *   <li>claim (committed): the batch's recipients that are due (see {@link PushRecipients#holdBack})
 *       become SENDING in a claim of their own (a random id);</li>
 *   <li>send: the provider gets their messages, outside any transaction;</li>
 *   <li>record (committed), for that claim's rows only: DELIVERED, FAILED with the provider's reason, or PLANNED
 *       again after a temporary failure, with the reason and the time before which not to try again.</li>
 * </ol>
 * Only the delivery that owns the push claims (a resume's delivery takes it over). A claim older than
 * {@link DeliveryProperties#claimExpiry()} was with the provider when its node stopped: a provider that recognises a
 * message by its idempotency key gets it again (it drops what it has taken: exactly once), any other records it as
 * failed ({@value #INTERRUPTED}: at most once). A younger claim is another attempt's, still running: the batch
 * waits for it.
 *
 * <p>Both transactions lock the push's row first, and so do pausing and stopping the push: when an operator pauses
 * or completes the task while a provider has messages, their answers are still recorded, the recipients not handed
 * over wait for the resume (or are cancelled with the push's reason), and the push's counts are taken again.
 */
@Component
class ProviderDelivery {

    /** The failure reason of a message whose provider's answer was lost, when the provider cannot tell it again. */
    static final String INTERRUPTED = "INTERRUPTED";
    /** How long a recipient waits after a temporary failure when the provider did not say (Retry-After). */
    static final Duration DEFERRAL_PAUSE = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ProviderDelivery.class);

    private final JdbcTemplate jdbc;
    private final PushRepository pushes;
    private final PushRecipients recipients;
    private final TransactionTemplate newTransaction;
    private final DeliveryProperties properties;
    private final DeliveryMetrics metrics;
    private final ApplicationAvailability availability;
    private final Clock clock;

    ProviderDelivery(JdbcTemplate jdbc, PushRepository pushes, PushRecipients recipients,
                     PlatformTransactionManager transactions, DeliveryProperties properties, DeliveryMetrics metrics,
                     ApplicationAvailability availability, Clock clock) {
        this.jdbc = jdbc;
        this.availability = availability;
        this.pushes = pushes;
        this.recipients = recipients;
        this.newTransaction = new TransactionTemplate(transactions);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Delivers what is due of the batch for delivery {@code deliveryId}, each step in its own transaction (never the
     * caller's). Nothing once the push is no longer that delivery's.
     */
    BatchResult deliver(OperationTask task, Batch batch, ProviderChannel provider, String deliveryId) {
        String claim = UUID.randomUUID().toString();
        List<RenderedMessage> claimed = newTransaction.execute(status ->
                claim(task, batch, provider, deliveryId, claim));
        if (claimed.isEmpty()) {
            return newTransaction.execute(status -> recipients.result(batch, clock.instant(), 0, 0, List.of()));
        }
        HandOver handOver = new HandOver(clock.instant().plus(properties.providerBatchTime()),
                () -> stillSends(batch.pushId(), deliveryId));
        Map<String, SendOutcome> outcomes = provider.send(task.getId(), batch.pushId(), claimed, handOver);
        return newTransaction.execute(status -> record(task, batch, claimed, outcomes, claim));
    }

    /**
     * Whether the push is still this delivery's to send, asked between the messages of a provider that takes them
     * one by one: a pause or complete then stops them within a message (an unlocked read of the push's row, which
     * the pause or complete has committed).
     */
    private boolean stillSends(long pushId, String deliveryId) {
        if (availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC) {
            // a graceful stop (it refuses new requests first): what was handed over is recorded while the database is
            // still there, and the rest goes on in a new job, after the restart or on another node. Handing over on,
            // a batch outlasted the stop's wait for running jobs (30 s), and what it sent was sent again
            log.info("Push {}: the application is stopping: no more of its messages handed over on this node, the "
                    + "rest goes on after the restart", pushId);
            return false;
        }
        try {
            return jdbc.queryForObject("select count(*) from push where id = ? and status = 'DELIVERING' "
                    + "and delivery_id = ? and cancel_reason is null", Long.class, pushId, deliveryId) == 1;
        } catch (DataAccessException unreadable) {
            // stop handing over: the messages sent are recorded, the rest stays for a later attempt
            log.warn("Push {}: cannot tell whether it is still to be sent ({}); no more of its messages handed over "
                    + "now", pushId, unreadable.getMessage());
            return false;
        }
    }

    /**
     * The batch's due recipients become SENDING in the claim {@code claim}. Rows still SENDING from a claim
     * older than {@link DeliveryProperties#claimExpiry()} were with the provider when their node stopped: sent again
     * (same claim) where the provider recognises a message it has taken, FAILED with {@value #INTERRUPTED} where it
     * cannot. Younger ones belong to an attempt still running, and are left to it.
     */
    private List<RenderedMessage> claim(OperationTask task, Batch batch, ProviderChannel provider, String deliveryId,
                                        String claim) {
        long pushId = batch.pushId();
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        if (!push.sendsFor(deliveryId)) {
            return List.of();
        }
        Instant claimAt = clock.instant();
        Timestamp at = Timestamp.from(claimAt);
        Timestamp expired = Timestamp.from(claimAt.minus(properties.claimExpiry()));
        recipients.holdBack(task, batch, claimAt, true);
        int again = 0;
        if (provider.deduplicates()) {
            again = jdbc.update("update push_recipient r set claim = ?, attempts = attempts + 1, updated_at = ? "
                    + "where " + Batch.ROWS + " and r.status = 'SENDING' and r.updated_at < ?",
                    Batch.parameters(claim, at, batch, expired));
            if (again > 0) {
                log.warn("Task {}: push {} batch {}: {} messages were with {} when its node stopped; sent again with "
                        + "their idempotency keys", task.getId(), pushId, batch.number(), again, provider.channel());
            }
        } else {
            int interrupted = jdbc.update("update push_recipient r set status = 'FAILED', reason = ?, detail = null, "
                    + "claim = null, updated_at = ? where " + Batch.ROWS + " and r.status = 'SENDING' "
                    + "and r.updated_at < ?",
                    Batch.parameters(INTERRUPTED, at, batch, expired));
            if (interrupted > 0) {
                log.warn("Task {}: push {} batch {}: {} messages were with {} when its node stopped; recorded as {}, "
                        + "as {} cannot tell a message sent twice", task.getId(), pushId, batch.number(), interrupted,
                        provider.channel(), INTERRUPTED, provider.channel());
            }
        }
        int claimed = again + jdbc.update("update push_recipient r set status = 'SENDING', claim = ?, "
                + "attempts = attempts + 1, updated_at = ? where " + Batch.ROWS + " and r.status = 'PLANNED' and "
                + PushRecipients.DUE, Batch.parameters(claim, at, batch, at));
        List<RenderedMessage> rendered = recipients.renderClaim(task, batch, claim);
        if (rendered.size() < claimed) {
            recipients.skipDeleted(task.getId(), batch, at, "r.status = 'SENDING' and r.claim = ?", claim);
        }
        return rendered;
    }

    /**
     * The provider's answers for this claim's recipients (and no other attempt's): DELIVERED, FAILED with the reason,
     * PLANNED again after a temporary failure (not before the provider's Retry-After, or {@link #DEFERRAL_PAUSE}), or
     * PLANNED as they were when not handed over (but not before the Retry-After, when the provider asked to wait).
     */
    private BatchResult record(OperationTask task, Batch batch, List<RenderedMessage> claimed,
                               Map<String, SendOutcome> outcomes, String claim) {
        long pushId = batch.pushId();
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        List<Object[]> failed = new ArrayList<>();
        List<Object[]> deferred = new ArrayList<>();
        List<Object[]> notHandedOver = new ArrayList<>();
        List<Deferred> deferrals = new ArrayList<>();
        int delivered = 0;
        for (RenderedMessage message : claimed) {
            SendOutcome outcome = outcomes.get(message.userId());
            if (outcome instanceof Delivered) {
                delivered++;
            } else if (outcome instanceof Rejected rejected) {
                failed.add(new Object[] {PushRecipients.stored(rejected.reason()), PushRecipients.stored(rejected.detail()),
                        at, pushId, message.userId(), claim});
            } else if (outcome instanceof Deferred deferral) {
                deferrals.add(deferral);
                Duration pause = deferral.retryAfter() == null ? DEFERRAL_PAUSE : deferral.retryAfter();
                deferred.add(new Object[] {PushRecipients.stored(deferral.reason()), PushRecipients.stored(deferral.detail()),
                        Timestamp.from(now.plus(pause)), at, pushId, message.userId(), claim});
            } else {
                notHandedOver.add(new Object[] {at, pushId, message.userId(), claim});
            }
        }
        // a provider that asked to wait (Retry-After) would refuse the messages not handed over as well: they wait too
        Timestamp waitAsked = deferrals.stream().map(Deferred::retryAfter).filter(Objects::nonNull)
                .max(Duration::compareTo).map(wait -> Timestamp.from(now.plus(wait))).orElse(null);
        // the few that did not go through one by one, then every other recipient of this claim at once: delivered
        String where = " where push_id = ? and user_id = ? and status = 'SENDING' and claim = ?";
        jdbc.batchUpdate("update push_recipient set status = 'FAILED', reason = ?, detail = ?, claim = null, updated_at = ?"
                + where,
                failed);
        jdbc.batchUpdate("update push_recipient set status = 'PLANNED', reason = ?, detail = ?, not_before = ?, claim = null, "
                + "updated_at = ?" + where, deferred);
        if (waitAsked == null) {
            jdbc.batchUpdate("update push_recipient set status = 'PLANNED', claim = null, updated_at = ?" + where,
                    notHandedOver);
        } else {
            jdbc.batchUpdate("update push_recipient set status = 'PLANNED', claim = null, not_before = ?, updated_at = ?"
                    + where, notHandedOver.stream().map(row -> prepend(waitAsked, row)).toList());
        }
        jdbc.update("update push_recipient r set status = 'DELIVERED', reason = null, detail = null, claim = null, "
                + "updated_at = ? where " + Batch.ROWS + " and r.status = 'SENDING' and r.claim = ?",
                Batch.parameters(at, batch, claim));
        recipients.notSent(task, notHandedOver.size());
        log.debug("Task {}: push {} batch {}: {} delivered, {} failed, {} deferred, {} not handed over", task.getId(),
                pushId, batch.number(), delivered, failed.size(), deferred.size(), notHandedOver.size());
        if (push.getStatus() == PushStatus.PAUSED) {
            push.recount(recipients.counts(pushId));
            log.info("Task {}: push {} was paused while {} had messages of batch {}: their answers recorded, the rest "
                    + "waits for the resume", task.getId(), pushId, task.getChannel(), batch.number());
            return new BatchResult(delivered, failed.size(), 0, 0, null, null, null);
        }
        if (push.getStatus() != PushStatus.DELIVERING) {
            int cancelled = jdbc.update("update push_recipient r set status = 'CANCELLED', reason = ?, detail = null, "
                    + "not_before = null, updated_at = ? where " + Batch.ROWS + " and r.status = 'PLANNED'",
                    Batch.parameters(push.getCancelReason(), at, batch));
            metrics.cancelledAfterFinish(task.getChannel(), cancelled);
            push.recount(recipients.counts(pushId));
            log.info("Task {}: push {} was stopped ({}) while {} had messages of batch {}: their answers recorded, {} "
                    + "not handed over cancelled", task.getId(), pushId, push.getCancelReason(), task.getChannel(),
                    batch.number(), cancelled);
            return new BatchResult(delivered, failed.size(), 0, 0, null, null, null);
        }
        return recipients.result(batch, now, delivered, failed.size(), deferrals);
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] row = new Object[rest.length + 1];
        row[0] = first;
        System.arraycopy(rest, 0, row, 1, rest.length);
        return row;
    }
}
