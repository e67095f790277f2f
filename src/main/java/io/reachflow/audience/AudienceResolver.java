package io.reachflow.audience;

import io.reachflow.task.Audience;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Resolves an audience to users in SQL, never by looping over users in Java: {@code ALL}, {@code TAGS} (any of
 * the tags), {@code USERS} (listed ids that exist), each less anyone with an excluded tag.
 */
@Component
public class AudienceResolver {

    private final NamedParameterJdbcTemplate jdbc;

    public AudienceResolver(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** How many users the audience has now. */
    public long estimateSize(Audience audience) {
        MapSqlParameterSource parameters = new MapSqlParameterSource();
        Long count = jdbc.queryForObject("select count(*) from audience_user u where " + where(audience, parameters),
                parameters, Long.class);
        return count == null ? 0 : count;
    }

    /**
     * Snapshots the audience into the push's recipients in one statement: each one SKIPPED with the reason of the
     * first exclusion whose condition (SQL on the user {@code u}, built by the caller from constants, with its
     * values as named parameters) holds, else
     * PLANNED and numbered into batches of {@code batchSize} in user id order (batch 0, 1, …; -1 for the
     * skipped). Returns how many users it took.
     */
    public int plan(long pushId, Audience audience, Instant now, int batchSize, Map<String, String> exclusions,
                    Map<String, Object> exclusionParameters) {
        MapSqlParameterSource parameters = new MapSqlParameterSource(exclusionParameters)
                .addValue("pushId", pushId)
                .addValue("now", Timestamp.from(now))
                .addValue("batchSize", batchSize);
        StringBuilder reason = new StringBuilder("null");
        if (!exclusions.isEmpty()) {
            reason = new StringBuilder("case");
            int i = 0;
            for (Map.Entry<String, String> exclusion : exclusions.entrySet()) {
                parameters.addValue("reason" + i, exclusion.getKey());
                reason.append(" when ").append(exclusion.getValue()).append(" then :reason").append(i++);
            }
            reason.append(" end");
        }
        return jdbc.update("insert into push_recipient (push_id, user_id, status, reason, updated_at, batch) "
                + "select :pushId, r.id, case when r.reason is null then 'PLANNED' else 'SKIPPED' end, r.reason, :now, "
                + "case when r.reason is null then (row_number() over (partition by r.reason is null order by r.id) - 1) "
                + "/ :batchSize else -1 end "
                + "from (select u.id, " + reason + " as reason from audience_user u where " + where(audience, parameters)
                + ") r", parameters);
    }

    private static String where(Audience audience, MapSqlParameterSource parameters) {
        StringBuilder where = new StringBuilder();
        switch (audience.type()) {
            case ALL -> where.append("1 = 1");
            case TAGS -> {
                if (audience.tags().isEmpty()) {
                    where.append("1 = 0");
                } else {
                    where.append("exists (select 1 from audience_user_tag t where t.user_id = u.id and t.tag in (:tags))");
                    parameters.addValue("tags", audience.tags());
                }
            }
            case USERS -> {
                if (audience.users().isEmpty()) {
                    where.append("1 = 0");
                } else {
                    where.append("u.id in (:users)");
                    parameters.addValue("users", audience.users());
                }
            }
        }
        if (!audience.excludeTags().isEmpty()) {
            where.append(" and not exists (select 1 from audience_user_tag x where x.user_id = u.id and x.tag in (:excludeTags))");
            parameters.addValue("excludeTags", audience.excludeTags());
        }
        return where.toString();
    }
}
