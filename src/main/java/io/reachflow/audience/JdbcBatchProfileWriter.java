package io.reachflow.audience;

import io.reachflow.task.Channel;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ParameterizedPreparedStatementSetter;

/**
 * Any other database (H2, the embedded default): JDBC batches, an update of the chunk, an insert of those it did
 * not find, and a replace of their tags and opt-outs.
 */
class JdbcBatchProfileWriter implements ProfileBulkWriter {

    private final JdbcTemplate jdbc;

    JdbcBatchProfileWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void write(Collection<UserProfile> profiles, Instant now) {
        Timestamp at = Timestamp.from(now);
        List<UserProfile> chunk = List.copyOf(profiles);
        int[] updated = batch("""
                update audience_user set version = version + 1, name = ?, email = ?, phone = ?, push_token = ?,
                  time_zone = ?, locale = ?, attributes = ?, updated_at = ? where id = ?""", chunk,
                (statement, profile) -> {
                    int next = profileColumns(statement, 1, profile);
                    statement.setTimestamp(next, at);
                    statement.setString(next + 1, profile.id());
                });
        List<UserProfile> created = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            if (updated[i] == 0) {
                created.add(chunk.get(i));
            }
        }
        batch("""
                insert into audience_user (id, version, name, email, phone, push_token, time_zone, locale, attributes,
                  created_at, updated_at) values (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", created,
                (statement, profile) -> {
                    statement.setString(1, profile.id());
                    int next = profileColumns(statement, 2, profile);
                    statement.setTimestamp(next, at);
                    statement.setTimestamp(next + 1, at);
                });
        List<String> ids = chunk.stream().map(UserProfile::id).toList();
        List<String[]> tags = new ArrayList<>();
        List<String[]> optOuts = new ArrayList<>();
        for (UserProfile profile : chunk) {
            if (profile.tags() != null) {
                profile.tags().forEach(tag -> tags.add(new String[] {profile.id(), tag}));
            }
            if (profile.optOut() != null) {
                for (Channel channel : profile.optOut()) {
                    optOuts.add(new String[] {profile.id(), channel.name()});
                }
            }
        }
        replace("audience_user_tag", "tag", ids, tags);
        replace("audience_user_opt_out", "channel", ids, optOuts);
    }

    /** Deletes the chunk's rows of a profile's child table and inserts the new ones (user id, value). */
    private void replace(String table, String valueColumn, List<String> ids, List<String[]> rows) {
        batch("delete from " + table + " where user_id = ?", ids, (statement, id) -> statement.setString(1, id));
        batch("insert into " + table + " (user_id, " + valueColumn + ") values (?, ?)", rows,
                (statement, row) -> {
                    statement.setString(1, row[0]);
                    statement.setString(2, row[1]);
                });
    }

    /** Sets name, email, phone, push token, time zone, locale and attributes from {@code first} on; the next index. */
    private static int profileColumns(PreparedStatement statement, int first, UserProfile profile) throws SQLException {
        String[] values = {profile.name(), profile.email(), profile.phone(), profile.pushToken(), profile.timeZone(),
                profile.locale(), profile.attributesJson()};
        for (int i = 0; i < values.length; i++) {
            statement.setString(first + i, values[i]);
        }
        return first + values.length;
    }

    /** One JDBC batch of the statement over all items; the update count per item (none for no items). */
    private <T> int[] batch(String sql, List<T> items, ParameterizedPreparedStatementSetter<T> setter) {
        if (items.isEmpty()) {
            return new int[0];
        }
        return jdbc.batchUpdate(sql, items, items.size(), setter)[0];
    }
}
