package io.reachflow.delivery;

import io.reachflow.audience.UserDataEraser;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What delivery holds of a user who is erased: their in-app messages and the sandbox's outbox messages are deleted;
 * what pushes being delivered had yet to send them is SKIPPED {@link SkipReason#USER_DELETED}; their recipient rows
 * of finished pushes whose counts are kept are deleted. A push still being delivered keeps the rows of what it
 * already did for them (the id and the outcome, no content), for its counts, until its recipients are pruned
 * ({@link RecipientRetention}).
 */
@Component
class RecipientErasure implements UserDataEraser {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    RecipientErasure(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Map<String, Long> erase(String userId) {
        Map<String, Long> erased = new LinkedHashMap<>();
        // First: a batch that holds the user's row waits for nothing and is waited for here; one that comes after
        // finds the row skipped. (A plan that read the profile before this commits is caught by the batch's take.)
        erased.put("pendingSendsSkipped", (long) jdbc.update("update push_recipient set status = 'SKIPPED', "
                + "reason = ?, detail = null, claim = null, updated_at = ? where push_id in (select p.id from push p "
                + "where p.status in ('DELIVERING', 'PAUSED')) and user_id = ? and status = 'PLANNED'",
                SkipReason.USER_DELETED.name(), Timestamp.from(clock.instant()), userId));
        erased.put("inboxMessages", (long) jdbc.update("delete from inbox_message where user_id = ?", userId));
        erased.put("outboxMessages", (long) jdbc.update("delete from outbox_message where user_id = ?", userId));
        erased.put("finishedPushRecipientRows", (long) jdbc.update("delete from push_recipient where push_id in "
                + "(select p.id from push p where p.status in ('DELIVERED', 'CANCELLED') and p.final_counts is not null "
                + "and p.recipients_pruned_at is null) and user_id = ? and status not in ('PLANNED', 'SENDING')", userId));
        return erased;
    }
}
