package io.reachflow.delivery;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.task.OperationTask;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *       become SENDING;</li>
 *   <li>send: the provider gets their messages, outside any transaction;</li>
 *   <li>record (committed): DELIVERED, FAILED with the provider's reason, or PLANNED again after a temporary
 *       failure, with the reason and, when the provider said, the time before which not to try again.</li>
 * </ol>
 * A recipient still SENDING when its batch is tried again was with the provider when its node stopped. A provider
 * that recognises a message by its idempotency key gets it again; otherwise it is recorded as failed
 * ({@value #INTERRUPTED}): a recipient gets a push at most once.
 *
 * <p>Both transactions lock the push's row first, and so do pausing and stopping the push: when an operator pauses
 * or completes the task while a provider has messages, their answers are still recorded, the recipients not handed
 * over wait for the resume (or are cancelled with the push's reason), and the push's counts are taken again.
 */
@Component
class ProviderDelivery {

    /** The failure reason of a message whose provider's answer was lost, when the provider cannot tell it again. */
    static final String INTERRUPTED = "INTERRUPTED";

    private static final Logger log = LoggerFactory.getLogger(ProviderDelivery.class);
    private static final int REASON_LENGTH = 255;

    private final JdbcTemplate jdbc;
    private final PushRepository pushes;
    private final PushRecipients recipients;
    private final TransactionTemplate newTransaction;
    private final DeliveryProperties properties;
    private final Clock clock;

    ProviderDelivery(JdbcTemplate jdbc, PushRepository pushes, PushRecipients recipients,
                     PlatformTransactionManager transactions, DeliveryProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.pushes = pushes;
        this.recipients = recipients;
        this.newTransaction = new TransactionTemplate(transactions);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
    }

    /** Delivers what is due of the batch, each step in its own transaction (never the caller's). */
    BatchResult deliver(OperationTask task, long pushId, int batch, ProviderChannel provider) {
        List<RenderedMessage> claimed = newTransaction.execute(status -> claim(task, pushId, batch, provider));
        if (claimed.isEmpty()) {
            return newTransaction.execute(status -> recipients.result(pushId, batch, clock.instant(), 0, 0, List.of()));
        }
        Instant handOverUntil = clock.instant().plus(properties.providerBatchTime());
        Map<String, SendOutcome> outcomes = provider.send(task.getId(), pushId, claimed, handOverUntil);
        return newTransaction.execute(status -> record(task, pushId, batch, claimed, outcomes));
    }

    private List<RenderedMessage> claim(OperationTask task, long pushId, int batch, ProviderChannel provider) {
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        if (push.getStatus() != PushStatus.DELIVERING) {
            return List.of();
        }
        Instant at = clock.instant();
        Timestamp now = Timestamp.from(at);
        recipients.holdBack(task, pushId, batch, at);
        if (provider.deduplicates()) {
            Integer interrupted = jdbc.queryForObject("select count(*) from push_recipient where push_id = ? "
                    + "and batch = ? and status = 'SENDING'", Integer.class, pushId, batch);
            if (interrupted > 0) {
                log.warn("Task {}: push {} batch {}: {} messages were with {} when its node stopped; sent again with "
                        + "their idempotency keys", task.getId(), pushId, batch, interrupted, provider.channel());
            }
        } else {
            int interrupted = jdbc.update("update push_recipient set status = 'FAILED', reason = ?, updated_at = ? "
                    + "where push_id = ? and batch = ? and status = 'SENDING'", INTERRUPTED, now, pushId, batch);
            if (interrupted > 0) {
                log.warn("Task {}: push {} batch {}: {} messages were with {} when its node stopped; recorded as {}, "
                        + "as {} cannot tell a message sent twice", task.getId(), pushId, batch, interrupted,
                        provider.channel(), INTERRUPTED, provider.channel());
            }
        }
        jdbc.update("update push_recipient set status = 'SENDING', attempts = attempts + 1, updated_at = ? "
                + "where push_id = ? and batch = ? and status = 'PLANNED' and (not_before is null or not_before <= ?)",
                now, pushId, batch, now);
        return recipients.render(task, pushId, batch, RecipientStatus.SENDING, at);
    }

    private BatchResult record(OperationTask task, long pushId, int batch, List<RenderedMessage> claimed,
                               Map<String, SendOutcome> outcomes) {
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        // to the microsecond, as stored: the send log takes the rows this attempt delivered by their time
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
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
                failed.add(new Object[] {reason(rejected.reason()), at, pushId, message.userId()});
            } else if (outcome instanceof Deferred deferral) {
                deferrals.add(deferral);
                Timestamp notBefore = deferral.retryAfter() == null ? null : Timestamp.from(now.plus(deferral.retryAfter()));
                deferred.add(new Object[] {reason(deferral.reason()), notBefore, at, pushId, message.userId()});
            } else {
                notHandedOver.add(new Object[] {at, pushId, message.userId()});
            }
        }
        // the few that did not go through one by one, then every other claimed recipient at once: those delivered
        String where = " where push_id = ? and user_id = ? and status = 'SENDING'";
        jdbc.batchUpdate("update push_recipient set status = 'FAILED', reason = ?, updated_at = ?" + where, failed);
        jdbc.batchUpdate("update push_recipient set status = 'PLANNED', reason = ?, not_before = ?, updated_at = ?" + where,
                deferred);
        jdbc.batchUpdate("update push_recipient set status = 'PLANNED', updated_at = ?" + where, notHandedOver);
        jdbc.update("update push_recipient set status = 'DELIVERED', reason = null, updated_at = ? where push_id = ? "
                + "and batch = ? and status = 'SENDING'", at, pushId, batch);
        // what frequency caps count, across tasks
        jdbc.update("insert into recipient_send (channel, user_id, sent_at, push_id) select ?, user_id, ?, push_id "
                + "from push_recipient where push_id = ? and batch = ? and status = 'DELIVERED' and updated_at = ?",
                task.getChannel().name(), at, pushId, batch, at);
        log.debug("Task {}: push {} batch {}: {} delivered, {} failed, {} deferred, {} not handed over", task.getId(),
                pushId, batch, delivered, failed.size(), deferred.size(), notHandedOver.size());
        if (push.getStatus() == PushStatus.PAUSED) {
            push.recount(recipients.counts(pushId));
            log.info("Task {}: push {} was paused while {} had messages of batch {}: their answers recorded, the rest "
                    + "waits for the resume", task.getId(), pushId, task.getChannel(), batch);
            return new BatchResult(delivered, failed.size(), 0, 0, null, null, null);
        }
        if (push.getStatus() != PushStatus.DELIVERING) {
            int cancelled = jdbc.update("update push_recipient set status = 'CANCELLED', reason = ?, not_before = null, "
                    + "updated_at = ? where push_id = ? and batch = ? and status = 'PLANNED'", push.getCancelReason(),
                    at, pushId, batch);
            push.recount(recipients.counts(pushId));
            log.info("Task {}: push {} was stopped ({}) while {} had messages of batch {}: their answers recorded, {} "
                    + "not handed over cancelled", task.getId(), pushId, push.getCancelReason(), task.getChannel(),
                    batch, cancelled);
            return new BatchResult(delivered, failed.size(), 0, 0, null, null, null);
        }
        return recipients.result(pushId, batch, now, delivered, failed.size(), deferrals);
    }

    private static String reason(String reason) {
        return reason.length() <= REASON_LENGTH ? reason : reason.substring(0, REASON_LENGTH - 1) + "…";
    }
}
