package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.HttpJson;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.FrequencyCap;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The send log keeps what the longest frequency cap can count, and drops the rest. */
@ReachflowSpringTest
class SendLogTest {

    @Autowired
    SendLog sendLog;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Clock clock;

    @Test
    void prunesWhatNoCapCanCountAnyMore() {
        String user = "logged-" + HttpJson.uniqueWord();
        Duration longest = FrequencyCap.LONGEST_PERIOD;
        log(user, longest.plusHours(1));
        log(user, longest.minusHours(1));

        assertThat(sendLog.prune()).isPositive();

        assertThat(jdbc.queryForList("select sent_at from recipient_send where user_id = ?", Timestamp.class, user))
                .singleElement().satisfies(kept -> assertThat(kept.toInstant())
                        .isAfter(clock.instant().minus(longest)));
    }

    private void log(String user, Duration ago) {
        jdbc.update("insert into recipient_send (channel, user_id, sent_at, push_id) values ('IN_APP', ?, ?, 0)", user,
                Timestamp.from(clock.instant().minus(ago)));
    }
}
