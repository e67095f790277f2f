package io.reachflow.delivery;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
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
 * Deletes the in-app inbox's messages (and the sandbox outbox's) older than
 * {@code reachflow.delivery.messages-retention}, oldest first. A message's id grows with the time it was written,
 * so the table is walked along the primary key a chunk of ids at a time, each chunk's deletion a range of the key
 * in a transaction of its own; the first chunk with nothing to delete is past the old ones. A message dated out of
 * order (a node's clock behind) goes with the messages written around it. A push's recipients and counts are not
 * touched: who got a push is in its recipient rows, kept by their own retention, and a recipient once DELIVERED is
 * never sent the push again.
 */
@Service
public class MessageRetention {

    /** Ids per chunk: at most as many messages deleted per statement and transaction. */
    static final int CHUNK = 50_000;
    private static final List<String> TABLES = List.of("inbox_message", "outbox_message");

    private static final Logger log = LoggerFactory.getLogger(MessageRetention.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final DeliveryProperties properties;
    private final Clock clock;
    private final int chunk;

    @Autowired
    MessageRetention(JdbcTemplate jdbc, PlatformTransactionManager transactions, DeliveryProperties properties,
                     Clock clock) {
        this(jdbc, transactions, properties, clock, CHUNK);
    }

    /** With {@code chunk} messages deleted per statement. */
    MessageRetention(JdbcTemplate jdbc, PlatformTransactionManager transactions, DeliveryProperties properties,
                     Clock clock, int chunk) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
        this.chunk = chunk;
    }

    /**
     * Deletes the messages past the retention, until none is left or {@code budget} has passed (checked between
     * chunks). Returns whether some may be left, for another round.
     */
    public boolean prune(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Timestamp before = Timestamp.from(clock.instant().minus(properties.messagesRetention()));
        for (String table : TABLES) {
            long deleted = 0;
            long after = 0;
            while (true) {
                if (System.nanoTime() > deadline) {
                    log.info("{} messages of {} deleted after the retention; more are left for the next round",
                            deleted, table);
                    return true;
                }
                Long upTo = jdbc.queryForObject("select max(f.id) from (select id from " + table + " where id > ? "
                        + "order by id fetch first " + chunk + " rows only) f", Long.class, after);
                if (upTo == null) {
                    break;
                }
                int chunkDeleted = deleteBetween(table, after, upTo, before);
                deleted += chunkDeleted;
                after = upTo;
                if (chunkDeleted == 0) {
                    // the messages are in the order they were written: a chunk with none to delete is past them
                    break;
                }
            }
            if (deleted > 0) {
                log.info("{} messages of {} written before {} deleted after the retention ({})", deleted, table,
                        before.toInstant(), properties.messagesRetention());
            }
        }
        return false;
    }

    /** Of the messages with ids in (after, upTo], deletes those written before {@code before}. */
    private int deleteBetween(String table, long after, long upTo, Timestamp before) {
        Integer deleted = ownTransaction.execute(status -> jdbc.update("delete from " + table
                + " where id > ? and id <= ? and created_at < ?", after, upTo, before));
        return deleted == null ? 0 : deleted;
    }
}
