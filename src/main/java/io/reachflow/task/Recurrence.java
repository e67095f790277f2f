package io.reachflow.task;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * A RECURRING task's cron expression, evaluated in the task's time zone with Spring's {@link CronExpression}:
 * six fields (second minute hour day-of-month month day-of-week), or the classic five without seconds.
 */
public final class Recurrence {

    /**
     * The shortest time a task may recur after: more often is a flood for its audience, not a campaign (a frequency
     * cap holds it back only per recipient).
     */
    public static final Duration MIN_INTERVAL = Duration.ofHours(1);
    /**
     * How many local times {@link #next} passes over that came before {@code after} (those of the hour that comes
     * twice, when {@code after} is in its second time): an hour's worth of an expression recurring at least hourly.
     */
    private static final int OCCURRENCES_BEHIND_AT_MOST = 100;
    /** How many of an expression's gaps {@link #shortestGap} looks at: an hourly one's whole first 20 days. */
    static final int GAPS_LOOKED_AT = 500;

    private Recurrence() {
    }

    public static CronExpression parse(String expression) {
        String trimmed = expression.trim();
        String sixFields = trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
        return CronExpression.parse(sixFields);
    }

    /**
     * The shortest time between two occurrences, over a year from its first after a fixed day (at most
     * {@value #GAPS_LOOKED_AT} of them); empty for an expression that occurs less than twice in it. Read in UTC: a
     * time zone's daylight saving change moves an occurrence by an hour at most.
     */
    public static Optional<Duration> shortestGap(String expression) {
        CronExpression cron = parse(expression);
        ZonedDateTime from = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        ZonedDateTime previous = cron.next(from);
        ZonedDateTime until = previous == null ? from : previous.plusYears(1);
        Duration shortest = null;
        for (int i = 0; i < GAPS_LOOKED_AT && previous != null && previous.isBefore(until); i++) {
            ZonedDateTime next = cron.next(previous);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(previous, next);
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next;
        }
        return Optional.ofNullable(shortest);
    }

    /**
     * The first occurrence strictly after {@code after}, in {@code zone}, if the expression has one. The expression
     * is read on the zone's wall clock, once per local time, as a person reads "every day at 02:30": on the night the
     * clocks spring forward, an occurrence in the hour that does not exist comes when it ends (02:30 at 03:30), not a
     * day later; on the night they fall back, one in the hour that comes twice comes the first time only, not twice.
     * (Spring's {@link CronExpression} on zoned times does the opposite: it skips the first and repeats the second.)
     */
    public static Optional<Instant> next(String expression, ZoneId zone, Instant after) {
        CronExpression cron = parse(expression);
        LocalDateTime local = after.atZone(zone).toLocalDateTime();
        for (int tried = 0; tried < OCCURRENCES_BEHIND_AT_MOST; tried++) {
            LocalDateTime next = cron.next(local);
            if (next == null) {
                return Optional.empty();
            }
            // a local time in a gap is moved forward by the gap's length; one that comes twice takes the earlier
            Instant at = ZonedDateTime.ofLocal(next, zone, null).toInstant();
            if (at.isAfter(after)) {
                return Optional.of(at);
            }
            local = next; // its first time has passed (after is in the hour that came again): the next local time
        }
        return Optional.empty();
    }
}
