package io.reachflow.task;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * A RECURRING task's cron expression, evaluated in the task's time zone with Spring's {@link CronExpression}:
 * six fields (second minute hour day-of-month month day-of-week), or the classic five without seconds.
 */
public final class Recurrence {

    private Recurrence() {
    }

    public static CronExpression parse(String expression) {
        String trimmed = expression.trim();
        String sixFields = trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
        return CronExpression.parse(sixFields);
    }

    /** The first occurrence strictly after {@code after}, in {@code zone}, if the expression has one. */
    public static Optional<Instant> next(String expression, ZoneId zone, Instant after) {
        ZonedDateTime next = parse(expression).next(after.atZone(zone));
        return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
    }
}
