package io.reachflow.delivery;

import io.reachflow.system.PageView;
import io.reachflow.system.SqlQuery;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The in-app inbox of each user, and the local outbox of the sandboxed channels. */
@Service
public class InboxService {

    private static final RowMapper<InboxMessage> INBOX = (row, i) -> new InboxMessage(row.getLong("id"),
            row.getLong("task_id"), row.getLong("push_id"), row.getString("title"), row.getString("body"),
            row.getString("link"), row.getTimestamp("created_at").toInstant(),
            row.getTimestamp("opened_at") == null ? null : row.getTimestamp("opened_at").toInstant());

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public InboxService(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * A page of the user's messages, newest first, with how many the user has and how many of them are unread; none
     * for an id without a profile (one never created, or erased with its messages).
     */
    @Transactional(readOnly = true)
    public Optional<InboxPage> inbox(String userId, int page, int size) {
        List<InboxMessage> items = jdbc.query(
                "select * from inbox_message where user_id = ? order by id desc offset ? rows fetch next ? rows only",
                INBOX, userId, (long) page * size, size);
        InboxPage inbox = jdbc.queryForObject("select count(*), count(opened_at) from inbox_message where user_id = ?",
                (row, i) -> new InboxPage(items, page, size, row.getLong(1), row.getLong(1) - row.getLong(2)), userId);
        // the profile is looked up only for an empty inbox: a user with messages has one
        boolean noUser = inbox.total() == 0 && jdbc.queryForObject(
                "select count(*) from audience_user where id = ?", Long.class, userId) == 0;
        return noUser ? Optional.empty() : Optional.of(inbox);
    }

    /** Reads one message; the first read marks it opened and counts an open on its push. */
    @Transactional
    public Optional<InboxMessage> open(String userId, long messageId) {
        int firstOpen = jdbc.update("update inbox_message set opened_at = ? where id = ? and user_id = ? and opened_at is null",
                Timestamp.from(clock.instant()), messageId, userId);
        if (firstOpen == 1) {
            jdbc.update("update push set opened = opened + 1 where id = (select push_id from inbox_message where id = ?)",
                    messageId);
        }
        return jdbc.query("select * from inbox_message where id = ? and user_id = ?", INBOX, messageId, userId)
                .stream().findFirst();
    }

    /** A page of the outbox's messages that match the filters given (each may be null), newest first. */
    @Transactional(readOnly = true)
    public PageView<OutboxMessage> outbox(String channel, Long taskId, String userId, int page, int size) {
        SqlQuery matching = new SqlQuery("from outbox_message where 1 = 1")
                .and("channel = ?", channel)
                .and("task_id = ?", taskId)
                .and("user_id = ?", userId);
        SqlQuery items = new SqlQuery("select * " + matching.sql(), matching.arguments())
                .then("order by id desc offset ? rows fetch next ? rows only", (long) page * size, size);
        List<OutboxMessage> found = jdbc.query(items.sql(), (row, i) -> new OutboxMessage(row.getLong("id"),
                row.getString("channel"), row.getLong("task_id"), row.getLong("push_id"), row.getString("user_id"),
                row.getString("address"), row.getString("title"), row.getString("body"), row.getString("link"),
                row.getTimestamp("created_at").toInstant()), items.arguments());
        Long total = jdbc.queryForObject("select count(*) " + matching.sql(), Long.class, matching.arguments());
        return new PageView<>(found, page, size, total);
    }

    public record InboxMessage(long id, long taskId, long pushId, String title, String body, String link,
                               Instant createdAt, Instant openedAt) {
    }

    /** A page of a user's inbox: {@code total} messages in all, {@code unread} of them not opened yet. */
    public record InboxPage(List<InboxMessage> items, int page, int size, long total, long unread) {
    }

    public record OutboxMessage(long id, String channel, long taskId, long pushId, String userId, String address,
                                String title, String body, String link, Instant createdAt) {
    }
}
