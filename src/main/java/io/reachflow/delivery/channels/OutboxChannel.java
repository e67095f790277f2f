package io.reachflow.delivery.channels;

import io.reachflow.task.Channel;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * PUSH, SMS, EMAIL and WEBHOOK into a local outbox table instead of a provider: the sandbox in which every
 * channel can be tested and reviewed end to end. Readable through {@code GET /api/outbox}.
 */
@Component
class OutboxChannel implements ChannelAdapter {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    OutboxChannel(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public boolean handles(Channel channel) {
        return channel != Channel.IN_APP;
    }

    @Override
    public Map<String, SendOutcome.Rejected> deliver(long taskId, long pushId, Channel channel, List<RenderedMessage> messages) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate("insert into outbox_message (channel, push_id, task_id, user_id, address, title, body, link, "
                        + "created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", messages, messages.size(),
                (statement, message) -> {
                    statement.setString(1, channel.name());
                    statement.setLong(2, pushId);
                    statement.setLong(3, taskId);
                    statement.setString(4, message.userId());
                    statement.setString(5, message.address());
                    statement.setString(6, message.title());
                    statement.setString(7, message.body());
                    statement.setString(8, message.link());
                    statement.setTimestamp(9, now);
                });
        return Map.of();
    }
}
