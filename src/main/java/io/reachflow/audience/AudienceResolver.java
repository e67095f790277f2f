package io.reachflow.audience;

import io.reachflow.system.Database;
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

    /** What planning a push may sort in memory on PostgreSQL: a million users' ids, where the default spills to disk. */
    private static final String PLAN_WORK_MEM = "128MB";

    private final NamedParameterJdbcTemplate jdbc;
    private final Database database;

    public AudienceResolver(NamedParameterJdbcTemplate jdbc, Database database) {
        this.jdbc = jdbc;
        this.database = database;
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
     * first exclusion whose condition (SQL on the user {@code u}, built by the caller from constants) holds, else
     * PLANNED and numbered into batches of {@code batchSize} in the order of the primary key's user ids (the
     * database's collation; batch 0, 1, …; -1 for the skipped). Each batch's first and last user id go into
     * {@code push_batch}: a batch's rows are a range of the primary key. Returns how many users it took.
     */
    public int plan(long pushId, Audience audience, Instant now, int batchSize, Map<String, String> exclusions) {
        MapSqlParameterSource parameters = new MapSqlParameterSource()
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
        // On PostgreSQL: the numbering's sort in memory; OFFSET 0 keeps the reasons computed once per user, where the
        // planner would otherwise copy their CASE (with its exclusions) into each of the four places that use it; and
        // the batches' ranges taken from the rows as they are written, rather than read back.
        boolean postgres = database.isPostgres();
        if (postgres) {
            jdbc.getJdbcTemplate().execute("set local work_mem = '" + PLAN_WORK_MEM + "'");
        }
        String snapshot = "insert into push_recipient (push_id, user_id, status, reason, updated_at, batch) "
                + "select :pushId, r.id, case when r.reason is null then 'PLANNED' else 'SKIPPED' end, r.reason, :now, "
                + "case when r.reason is null then (row_number() over (partition by r.reason is null order by r.id) - 1) "
                + "/ :batchSize else -1 end "
                + "from (select u.id, " + reason + " as reason from audience_user u where " + where(audience, parameters)
                + (postgres ? " offset 0" : "") + ") r";
        if (postgres) {
            Integer taken = jdbc.queryForObject("with planned as (" + snapshot + " returning batch, user_id), "
                    + "ranges as (insert into push_batch (push_id, batch, first_user_id, last_user_id) "
                    + "select :pushId, batch, min(user_id), max(user_id) from planned where batch >= 0 group by batch) "
                    + "select count(*) from planned", parameters, Integer.class);
            return taken == null ? 0 : taken;
        }
        int taken = jdbc.update(snapshot, parameters);
        recordBatchRanges(pushId);
        return taken;
    }

    /**
     * Records each batch's range, its first and last user id, from the push's recipient rows: after a plan that
     * could not take them from the rows as it wrote them (H2), and for a test round, whose testers are batch 0.
     */
    public void recordBatchRanges(long pushId) {
        jdbc.getJdbcTemplate().update("insert into push_batch (push_id, batch, first_user_id, last_user_id) "
                + "select push_id, batch, min(user_id), max(user_id) from push_recipient where push_id = ? "
                + "and batch >= 0 group by push_id, batch", pushId);
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
