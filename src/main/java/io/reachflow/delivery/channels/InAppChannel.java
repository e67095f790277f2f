package io.reachflow.delivery.channels;

import io.reachflow.task.Channel;
import java.sql.Timestamp;
import io.reachflow.system.CsvRows;
import io.reachflow.system.Database;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * IN_APP: the message lands in the user's inbox, in the same transaction that records the outcome; a batch at once
 * (COPY on PostgreSQL, a JDBC batch elsewhere).
 */
@Component
class InAppChannel implements ChannelAdapter {

    private final JdbcTemplate jdbc;
    private final Database database;
    private final Clock clock;

    InAppChannel(JdbcTemplate jdbc, Database database, Clock clock) {
        this.jdbc = jdbc;
        this.database = database;
        this.clock = clock;
    }

    @Override
    public boolean handles(Channel channel) {
        return channel == Channel.IN_APP;
    }

    @Override
    public Map<String, SendOutcome.Rejected> deliver(long taskId, long pushId, Channel channel, List<RenderedMessage> messages) {
        if (database.isPostgres()) {
            // the values that every row shares, written once
            String push = Long.toString(pushId);
            String task = Long.toString(taskId);
            String now = clock.instant().toString();
            CsvRows rows = new CsvRows(messages.size());
            messages.forEach(message -> rows.row(message.userId(), push, task, message.title(), message.body(),
                    message.link(), now));
            database.copyIn("inbox_message", "user_id, push_id, task_id, title, body, link, created_at", rows);
            return Map.of();
        }
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate("insert into inbox_message (user_id, push_id, task_id, title, body, link, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?)", messages, messages.size(),
                (statement, message) -> {
                    statement.setString(1, message.userId());
                    statement.setLong(2, pushId);
                    statement.setLong(3, taskId);
                    statement.setString(4, message.title());
                    statement.setString(5, message.body());
                    statement.setString(6, message.link());
                    statement.setTimestamp(7, now);
                });
        return Map.of();
    }
}
