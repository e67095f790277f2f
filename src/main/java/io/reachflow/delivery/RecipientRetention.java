package io.reachflow.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes the recipient rows of live pushes finished longer ago than {@code reachflow.delivery.recipients-retention}.
 * A push keeps its counts by status and reason (taken first where it finished before they were kept), so its history
 * reads the same; only the list of its recipients is gone. Test rounds keep theirs: a handful each, and the
 * submission check reads the last one. Each chunk of deletions commits on its own, whatever the caller's transaction,
 * so that a push of millions is not one long transaction and a pruning cut short goes on where it stopped.
 */
@Service
public class RecipientRetention {

    /** Recipient rows deleted per statement and transaction. */
    static final int CHUNK = 50_000;

    private static final Logger log = LoggerFactory.getLogger(RecipientRetention.class);

    private final JdbcTemplate jdbc;
    private final PushRepository pushes;
    private final PushRecipients recipients;
    private final TransactionTemplate ownTransaction;
    private final DeliveryProperties properties;
    private final Clock clock;

    RecipientRetention(JdbcTemplate jdbc, PushRepository pushes, PushRecipients recipients,
                       PlatformTransactionManager transactions, DeliveryProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.pushes = pushes;
        this.recipients = recipients;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Prunes the pushes due for it, oldest first, until none is left or {@code budget} has passed (checked between
     * chunks). Returns whether some are left.
     */
    public boolean prune(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Instant finishedBefore = clock.instant().minus(properties.recipientsRetention());
        long after = 0;
        for (Long pushId = next(finishedBefore, after); pushId != null; pushId = next(finishedBefore, after)) {
            if (System.nanoTime() > deadline || !pruneOne(pushId, deadline)) {
                return true;
            }
            after = pushId;
        }
        return false;
    }

    /** The next push after {@code after} (by id) whose recipients are due for deletion; null when none is. */
    private Long next(Instant finishedBefore, long after) {
        List<Long> next = jdbc.queryForList("select id from push where kind = 'LIVE' and status in ('DELIVERED', "
                + "'CANCELLED') and finished_at < ? and recipients_pruned_at is null and id > ? order by id "
                + "fetch first 1 rows only", Long.class, Timestamp.from(finishedBefore), after);
        return next.isEmpty() ? null : next.get(0);
    }

    /** Prunes one push; false when the deadline came first (the rest is deleted next time). */
    private boolean pruneOne(long pushId, long deadline) {
        Push push = ownTransaction.execute(status -> keepCounts(pushId));
        if (push.finalCounts().isEmpty()) {
            log.warn("Task {}: push {} keeps its recipient rows: its counts have too many reasons to be kept apart",
                    push.getTaskId(), pushId);
            return true;
        }
        long deleted = 0;
        for (int chunk = CHUNK; chunk == CHUNK; ) {
            if (System.nanoTime() > deadline) {
                log.info("Task {}: push {}: {} recipient rows deleted so far; the rest next time", push.getTaskId(),
                        pushId, deleted);
                return false;
            }
            chunk = ownTransaction.execute(status -> jdbc.update("delete from push_recipient where push_id = ? and "
                    + "user_id in (select user_id from push_recipient where push_id = ? order by user_id "
                    + "fetch first " + CHUNK + " rows only)", pushId, pushId));
            deleted += chunk;
        }
        Instant now = clock.instant();
        ownTransaction.executeWithoutResult(status -> jdbc.update("update push set recipients_pruned_at = ? "
                + "where id = ?", Timestamp.from(now), pushId));
        log.info("Task {}: push {} (finished {}): {} recipient rows deleted after {} (its counts are kept)",
                push.getTaskId(), pushId, push.getFinishedAt(), deleted, properties.recipientsRetention());
        return true;
    }

    /** The push, with its counts kept (counted now where it finished before they were). */
    private Push keepCounts(long pushId) {
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        if (push.finalCounts().isEmpty()) {
            push.recount(recipients.counts(pushId));
        }
        return push;
    }
}
