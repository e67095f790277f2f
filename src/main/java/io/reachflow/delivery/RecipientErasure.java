package io.reachflow.delivery;

import io.reachflow.audience.UserDataEraser;
import io.reachflow.system.Database;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What delivery holds of a user who is erased: their in-app messages and the sandbox's outbox messages are deleted;
 * what pushes being delivered had yet to send them is SKIPPED {@link SkipReason#USER_DELETED}; their recipient rows
 * of finished live pushes whose counts are kept are deleted, where {@link RecipientRetention} would prune them (not
 * those of a ONE_TIME task that may still send, which tell who was reached already). The rows kept lose their
 * detail (a provider's answer may quote the address): a push still being delivered keeps what it already did for
 * them, the id, the status and the reason, for its counts, until its recipients are pruned; a test round keeps its
 * testers' (staff, not audience) as the record its review read.
 */
@Component
class RecipientErasure implements UserDataEraser {

    /** The pushes whose recipient rows are still there (SQL). */
    private static final String UNPRUNED = "push_id in (select p.id from push p where p.recipients_pruned_at is null)";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Database database;
    private final DeliveryProperties properties;

    RecipientErasure(JdbcTemplate jdbc, Clock clock, Database database, DeliveryProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.database = database;
        this.properties = properties;
    }

    @Override
    public Map<String, Long> erase(String userId) {
        Instant now = clock.instant();
        // A plan holds its channel's lock until it commits, and delivers a push to a few users in its transaction:
        // waiting for the plans here makes what they planned and sent for the user seen below.
        jdbc.queryForList("select channel from channel_plan_lock order by channel " + database.forShare(),
                String.class);
        // The user's rows, locked in push order: a batch holding some is waited for, and a complete or pause, which
        // calls off its pushes' rows one push after another in the same order, is never met in a deadlock.
        jdbc.queryForList("select push_id from push_recipient where " + UNPRUNED + " and user_id = ? "
                + "order by push_id for update", Long.class, userId);
        Map<String, Long> erased = new LinkedHashMap<>();
        erased.put("pendingSendsSkipped", (long) jdbc.update("update push_recipient set status = 'SKIPPED', "
                + "reason = ?, detail = null, claim = null, updated_at = ? where push_id in (select p.id from push p "
                + "where p.status in ('DELIVERING', 'PAUSED')) and user_id = ? and status = 'PLANNED'",
                SkipReason.USER_DELETED.name(), Timestamp.from(now), userId));
        erased.put("inboxMessages", (long) jdbc.update("delete from inbox_message where user_id = ?", userId));
        erased.put("outboxMessages", (long) jdbc.update("delete from outbox_message where user_id = ?", userId));
        // finished long enough ago that no provider still answers for it (its counts would be counted again)
        erased.put("finishedPushRecipientRows", (long) jdbc.update("delete from push_recipient where push_id in "
                + "(select p.id from push p join operation_task t on t.id = p.task_id where p.kind = 'LIVE' "
                + "and p.status in ('DELIVERED', 'CANCELLED') and p.finished_at < ? and p.final_counts is not null "
                + "and p.recipients_pruned_at is null "
                + "and (t.push_type <> 'ONE_TIME' or t.status = 'COMPLETED' or t.deleted)) "
                + "and user_id = ? and status not in ('PLANNED', 'SENDING')",
                Timestamp.from(now.minus(properties.claimExpiry())), userId));
        jdbc.update("update push_recipient set detail = null where " + UNPRUNED + " and user_id = ? "
                + "and detail is not null", userId);
        return erased;
    }
}
