package io.reachflow.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A time of a schedule as the request gives it: with an offset ({@code 2026-12-01T09:00:00+09:00}, or {@code Z}), an
 * instant; without one ({@code 2026-12-01T09:00:00}), a wall-clock time in the schedule's time zone.
 */
record ScheduleTime(Instant instant, LocalDateTime local) {

    ScheduleTime {
        if ((instant == null) == (local == null)) {
            throw new IllegalArgumentException("a schedule time is a date and time, such as 2026-12-01T09:00:00");
        }
    }

    /**
     * An empty text is none, and a number (of seconds since the epoch, with a fraction for less) is that instant, as
     * Jackson read an instant before.
     */
    @JsonCreator
    static ScheduleTime parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.matches("-?\\d{1,19}(\\.\\d{1,9})?")) {
            return ofEpochSeconds(new BigDecimal(text));
        }
        try {
            return new ScheduleTime(OffsetDateTime.parse(text).toInstant(), null);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return new ScheduleTime(null, LocalDateTime.parse(text));
            } catch (DateTimeParseException notLocal) {
                return instantBeyondYear999999999(text);
            }
        }
    }

    /**
     * An instant as a task saved before schedule times were bounded may hold one: past the years an offset date and
     * time reads (999,999,999), as {@link Instant#toString} wrote it; readable, so that the task can be shown, edited
     * or deleted.
     */
    private static ScheduleTime instantBeyondYear999999999(String text) {
        try {
            return new ScheduleTime(Instant.parse(text), null);
        } catch (DateTimeParseException unreadable) {
            throw new IllegalArgumentException("'" + text + "' is not a date and time such as 2026-12-01T09:00:00 "
                    + "(in the task's time zone) or 2026-12-01T09:00:00Z");
        }
    }

    /** A number of seconds since the epoch. */
    @JsonCreator
    static ScheduleTime ofEpochSeconds(long seconds) {
        return ofEpochSeconds(BigDecimal.valueOf(seconds));
    }

    /** The same with a fraction of a second. */
    @JsonCreator
    static ScheduleTime ofEpochSeconds(double seconds) {
        if (!Double.isFinite(seconds)) {
            throw new IllegalArgumentException(seconds + " is not a number of seconds since the epoch");
        }
        return ofEpochSeconds(BigDecimal.valueOf(seconds));
    }

    private static ScheduleTime ofEpochSeconds(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        try {
            return new ScheduleTime(Instant.ofEpochSecond(whole.longValueExact(),
                    seconds.subtract(whole).movePointRight(9).intValue()), null);
        } catch (ArithmeticException | DateTimeException outOfRange) {
            throw new IllegalArgumentException(seconds + " seconds since the epoch is no time a task can have");
        }
    }

    /**
     * The instant, a wall-clock time read in {@code timeZone} (UTC when absent or unknown; an unknown one is refused
     * by the task's rules). In a gap of a daylight-saving change the time moves forward by the gap; in an overlap the
     * earlier of the two instants is taken.
     */
    Instant in(String timeZone) {
        if (instant != null) {
            return instant;
        }
        ZoneId zone = timeZone == null || timeZone.isBlank() || !TimeZoneId.Validator.known(timeZone) ? ZoneOffset.UTC
                : ZoneId.of(timeZone);
        return local.atZone(zone).toInstant();
    }

    static Instant in(ScheduleTime time, String timeZone) {
        return time == null ? null : time.in(timeZone);
    }
}
