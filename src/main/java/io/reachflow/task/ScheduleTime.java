package io.reachflow.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A time of a schedule as the request gives it: with an offset ({@code 2026-12-01T09:00:00+09:00}, or {@code Z}), an
 * instant; without one ({@code 2026-12-01T09:00:00}), a wall-clock time in the schedule's time zone.
 */
record ScheduleTime(Instant instant, LocalDateTime local) {

    @JsonCreator
    static ScheduleTime parse(String text) {
        try {
            return new ScheduleTime(OffsetDateTime.parse(text).toInstant(), null);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return new ScheduleTime(null, LocalDateTime.parse(text));
            } catch (DateTimeParseException unreadable) {
                throw new IllegalArgumentException("'" + text + "' is not a date and time such as 2026-12-01T09:00:00 "
                        + "(in the task's time zone) or 2026-12-01T09:00:00Z");
            }
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
        ZoneId zone;
        try {
            zone = timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
        } catch (DateTimeException unknown) {
            zone = ZoneId.of("UTC");
        }
        return local.atZone(zone).toInstant();
    }

    static Instant in(ScheduleTime time, String timeZone) {
        return time == null ? null : time.in(timeZone);
    }
}
