package io.reachflow.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes the recipient rows of live pushes finished longer ago than {@code reachflow.delivery.recipients-retention}.
 * A push keeps its counts by status and reason (taken first where it finished before they were kept), so its history
 * reads the same; only the list of its recipients is gone. Test rounds keep theirs: a handful each, and the
 * submission check reads the last one. So do the pushes of a ONE_TIME task that may still send (not completed): its
 * next push skips whoever an earlier one reached (ALREADY_SENT), from those rows. Each chunk of deletions commits on
 * its own, whatever the caller's transaction, so that a push of millions is not one long transaction and a pruning
 * cut short goes on where it stopped.
 */
@Service
public class RecipientRetention {

    /** Recipient rows deleted per statement and transaction. */
    static final int CHUNK = 50_000;

    /** Where a round of pruning stopped: {@code more} pushes may be left after push {@code after} (by id). */
    public record Round(boolean more, long after) {
    }

    private static final Logger log = LoggerFactory.getLogger(RecipientRetention.class);

    private final JdbcTemplate jdbc;
    private final PushRepository pushes;
    private final PushRecipients recipients;
    private final TransactionTemplate ownTransaction;
    private final DeliveryProperties properties;
    private final Clock clock;
    private final int chunk;

    @Autowired
    RecipientRetention(JdbcTemplate jdbc, PushRepository pushes, PushRecipients recipients,
                       PlatformTransactionManager transactions, DeliveryProperties properties, Clock clock) {
        this(jdbc, pushes, recipients, transactions, properties, clock, CHUNK);
    }

    /** With {@code chunk} rows deleted per statement. */
    RecipientRetention(JdbcTemplate jdbc, PushRepository pushes, PushRecipients recipients,
                       PlatformTransactionManager transactions, DeliveryProperties properties, Clock clock, int chunk) {
        this.chunk = chunk;
        this.jdbc = jdbc;
        this.pushes = pushes;
        this.recipients = recipients;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Prunes the pushes due for it after push {@code after}, in the order they were created, until none is left or
     * {@code budget} has passed (checked between chunks, so a chunk under way finishes). The next round goes on from
     * the push this one stopped at, so that rounds always get further, whatever a push costs.
     */
    public Round prune(long after, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Instant finishedBefore = clock.instant().minus(properties.recipientsRetention());
        long done = after;
        for (Long pushId = next(finishedBefore, done); pushId != null; pushId = next(finishedBefore, done)) {
            if (System.nanoTime() > deadline || !pruneOne(pushId, deadline)) {
                return new Round(true, done);
            }
            done = pushId;
        }
        return new Round(false, done);
    }

    /**
     * The next push after {@code after} (by id) whose recipients are due for deletion; null when none is. Not the
     * pushes of a ONE_TIME task that may still send.
     */
    private Long next(Instant finishedBefore, long after) {
        List<Long> next = jdbc.queryForList("select p.id from push p join operation_task t on t.id = p.task_id "
                + "where p.kind = 'LIVE' and p.status in ('DELIVERED', 'CANCELLED') and p.finished_at < ? "
                + "and p.recipients_pruned_at is null and p.id > ? "
                + "and (t.push_type <> 'ONE_TIME' or t.status = 'COMPLETED' or t.deleted) "
                + "order by p.id fetch first 1 rows only", Long.class, Timestamp.from(finishedBefore), after);
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
        for (int rows = chunk; rows == chunk; ) {
            if (System.nanoTime() > deadline) {
                log.info("Task {}: push {}: {} recipient rows deleted so far; the rest next time", push.getTaskId(),
                        pushId, deleted);
                return false;
            }
            rows = ownTransaction.execute(status -> jdbc.update("delete from push_recipient where push_id = ? and "
                    + "user_id in (select user_id from push_recipient where push_id = ? order by user_id "
                    + "fetch first " + chunk + " rows only)", pushId, pushId));
            deleted += rows;
        }
        Instant now = clock.instant();
        ownTransaction.executeWithoutResult(status -> {
            jdbc.update("delete from push_batch where push_id = ?", pushId);
            jdbc.update("update push set recipients_pruned_at = ? where id = ?", Timestamp.from(now), pushId);
        });
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
