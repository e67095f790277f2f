package io.reachflow.audience;

import io.reachflow.system.Database;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL's fast path: the chunk is streamed with {@code COPY} into temporary tables (dropped at commit), then
 * merged into the profile tables with one upsert and two replaces.
 */
class PostgresCopyProfileWriter implements ProfileBulkWriter {

    private static final String STAGING = """
            create temporary table import_user (id varchar(128), name varchar(200), email varchar(320),
              phone varchar(32), push_token varchar(4096), time_zone varchar(64), locale varchar(35),
              attributes varchar(100000)) on commit drop;
            create temporary table import_user_tag (user_id varchar(128), tag varchar(64)) on commit drop;
            create temporary table import_user_opt_out (user_id varchar(128), channel varchar(16)) on commit drop""";

    private static final String MERGE_USERS = """
            insert into audience_user (id, version, name, email, phone, push_token, time_zone, locale, attributes,
              created_at, updated_at)
            select id, 0, name, email, phone, push_token, time_zone, locale, attributes, ?, ? from import_user
            order by id
            on conflict (id) do update set version = audience_user.version + 1, name = excluded.name,
              email = excluded.email, phone = excluded.phone, push_token = excluded.push_token,
              time_zone = excluded.time_zone, locale = excluded.locale, attributes = excluded.attributes,
              updated_at = excluded.updated_at""";

    private final Database database;
    private final JdbcTemplate jdbc;

    PostgresCopyProfileWriter(Database database, JdbcTemplate jdbc) {
        this.database = database;
        this.jdbc = jdbc;
    }

    @Override
    public void write(Collection<UserProfile> profiles, Instant now) {
        StagedProfiles staged = StagedProfiles.of(profiles);
        jdbc.execute(STAGING);
        database.copyIn("import_user", "id, name, email, phone, push_token, time_zone, locale, attributes", staged.users());
        database.copyIn("import_user_tag", "user_id, tag", staged.tags());
        database.copyIn("import_user_opt_out", "user_id, channel", staged.optOuts());
        jdbc.update(MERGE_USERS, Timestamp.from(now), Timestamp.from(now));
        jdbc.update("delete from audience_user_tag t using import_user i where t.user_id = i.id");
        jdbc.update("insert into audience_user_tag (user_id, tag) select distinct user_id, tag from import_user_tag");
        jdbc.update("delete from audience_user_opt_out o using import_user i where o.user_id = i.id");
        jdbc.update("insert into audience_user_opt_out (user_id, channel) select distinct user_id, channel "
                + "from import_user_opt_out");
    }
}
