package io.reachflow.delivery;

import io.reachflow.task.FrequencyCap;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the send log that frequency caps count ({@code recipient_send}) as long as the longest cap period, and no
 * longer: every hour, on every node (deleting twice is harmless), rows older than that go.
 */
@Component
public class SendLog {

    private static final Logger log = LoggerFactory.getLogger(SendLog.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SendLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Deletes what no cap can count any more; returns how many rows went. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    public int prune() {
        Instant before = clock.instant().minus(FrequencyCap.LONGEST_PERIOD);
        int pruned = jdbc.update("delete from recipient_send where sent_at < ?", Timestamp.from(before));
        if (pruned > 0) {
            log.info("Send log: {} sends older than {} pruned", pruned, before);
        }
        return pruned;
    }
}
