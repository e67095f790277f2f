package io.reachflow.delivery;

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

    @Transactional(readOnly = true)
    public List<InboxMessage> inbox(String userId, int page, int size) {
        return jdbc.query("select * from inbox_message where user_id = ? order by id desc offset ? rows fetch next ? rows only",
                INBOX, userId, (long) page * size, size);
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

    @Transactional(readOnly = true)
    public List<OutboxMessage> outbox(String channel, Long taskId, String userId, int page, int size) {
        SqlQuery query = new SqlQuery("select * from outbox_message where 1 = 1")
                .and("channel = ?", channel)
                .and("task_id = ?", taskId)
                .and("user_id = ?", userId)
                .then("order by id desc offset ? rows fetch next ? rows only", (long) page * size, size);
        return jdbc.query(query.sql(), (row, i) -> new OutboxMessage(row.getLong("id"), row.getString("channel"),
                row.getLong("task_id"), row.getLong("push_id"), row.getString("user_id"), row.getString("address"),
                row.getString("title"), row.getString("body"), row.getString("link"),
                row.getTimestamp("created_at").toInstant()), query.arguments());
    }

    public record InboxMessage(long id, long taskId, long pushId, String title, String body, String link,
                               Instant createdAt, Instant openedAt) {
    }

    public record OutboxMessage(long id, String channel, long taskId, long pushId, String userId, String address,
                                String title, String body, String link, Instant createdAt) {
    }
}
