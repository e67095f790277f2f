package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.FrequencyCap;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A frequency cap over more capped users than one chunk ({@code CAP_CHUNK}, 5,000) of the streamed capped set: an
 * earlier push delivered to 12,000 users, a new one plans them and one more. The paths through the lifecycle are in
 * {@code DeliveryPathsTest}.
 */
@ReachflowSpringTest
class FrequencyCapTest {

    private static final int CAPPED = 12_000;

    @Autowired
    PushRecipients recipients;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Clock clock;

    @Test
    void skipsEveryCappedRecipientAcrossChunksAndNoOneElse() {
        String prefix = "capped-" + HttpJson.uniqueWord() + "-";
        Instant now = clock.instant();
        long earlier = push(now.minus(Duration.ofMinutes(5)));
        long planned = push(null);
        recipients(earlier, prefix, "DELIVERED", now.minus(Duration.ofHours(1)));
        recipients(planned, prefix, "PLANNED", now);
        jdbc.update("insert into push_recipient (push_id, user_id, status, updated_at, batch) values (?, ?, 'PLANNED', ?, 0)",
                planned, prefix + "fresh", Timestamp.from(now));

        int skipped = recipients.skipCapped(planned, Channel.IN_APP, new FrequencyCap(1, Duration.ofDays(1)), now);

        assertThat(skipped).isEqualTo(CAPPED);
        RecipientCounts counts = recipients.counts(planned);
        assertThat(counts.skippedByReason()).isEqualTo(Map.of("FREQUENCY_CAP", (long) CAPPED));
        assertThat(jdbc.queryForList("select user_id from push_recipient where push_id = ? and status = 'PLANNED'",
                String.class, planned)).containsExactly(prefix + "fresh");
    }

    /** A live IN_APP push, finished at {@code finishedAt} (null: being planned). */
    private long push(Instant finishedAt) {
        Instant now = clock.instant();
        jdbc.update("insert into push (version, task_id, kind, triggered_by, channel, task_revision, status, created_at, "
                + "finished_at) values (0, -1, 'LIVE', 'MANUAL', 'IN_APP', 1, ?, ?, ?)",
                finishedAt == null ? "DELIVERING" : "DELIVERED", Timestamp.from(now),
                finishedAt == null ? null : Timestamp.from(finishedAt));
        return jdbc.queryForObject("select max(id) from push where task_id = -1", Long.class);
    }

    private void recipients(long pushId, String prefix, String status, Instant at) {
        jdbc.update("insert into push_recipient (push_id, user_id, status, updated_at, batch) "
                + "with recursive n (i) as (select 1 union all select i + 1 from n where i < " + CAPPED + ") "
                + "select ?, concat(?, i), ?, ?, 0 from n", pushId, prefix, status, Timestamp.from(at));
    }
}
