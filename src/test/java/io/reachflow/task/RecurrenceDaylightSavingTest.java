package io.reachflow.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * A RECURRING task's occurrences across daylight-saving changes, as the lifecycle computes them
 * ({@code LifecycleSchedule.nextOccurrence}: the first occurrence after now, evaluated in the task's time zone).
 */
class RecurrenceDaylightSavingTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** "Every day at 02:30" in Berlin: on Sunday 29 March 2026 02:30 does not exist; the day still gets its send. */
    @Test
    void aDailyOccurrenceInTheSpringForwardGapIsStillSentThatDay() {
        Instant saturdayNoon = Instant.parse("2026-03-28T12:00:00Z");

        Instant next = Recurrence.next("0 30 2 * * *", BERLIN, saturdayNoon).orElseThrow();

        assertThat(next.atZone(BERLIN).toLocalDate()).as("next of %s is %s", saturdayNoon, next.atZone(BERLIN))
                .isEqualTo(LocalDate.parse("2026-03-29"));
    }

    /** The same in New York (Sunday 8 March 2026, 02:00 EST to 03:00 EDT). */
    @Test
    void aDailyOccurrenceInTheSpringForwardGapIsStillSentThatDayInNewYork() {
        Instant saturdayNoon = Instant.parse("2026-03-07T17:00:00Z");

        Instant next = Recurrence.next("30 2 * * *", NEW_YORK, saturdayNoon).orElseThrow();

        assertThat(next.atZone(NEW_YORK).toLocalDate()).as("next of %s is %s", saturdayNoon, next.atZone(NEW_YORK))
                .isEqualTo(LocalDate.parse("2026-03-08"));
    }

    /**
     * "Every day at 02:30" in Berlin on Sunday 25 October 2026, when 02:00–02:59 comes twice (CEST, then CET): after
     * the occurrence at 02:30 CEST has gone out, the next one (computed from then, as the lifecycle does) is on the
     * next day, not 02:30 CET an hour later: a daily campaign is sent once a day.
     */
    @Test
    void aDailyOccurrenceInTheAutumnRepeatedHourIsSentOnce() {
        Instant first = Recurrence.next("0 30 2 * * *", BERLIN, Instant.parse("2026-10-24T12:00:00Z")).orElseThrow();
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));

        Instant next = Recurrence.next("0 30 2 * * *", BERLIN, first.plusSeconds(2)).orElseThrow();

        assertThat(next.atZone(BERLIN).toLocalDate()).as("after %s comes %s", first.atZone(BERLIN),
                next.atZone(BERLIN)).isEqualTo(LocalDate.parse("2026-10-26"));
    }

    /** A daily occurrence in a zone whose clocks spring forward at midnight (Santiago: 6 September 2026, 00:00 to 01:00). */
    @Test
    void aDailyOccurrenceOnAMidnightSpringForwardDayIsSentThatDay() {
        ZoneId santiago = ZoneId.of("America/Santiago");
        Instant saturdayNoon = Instant.parse("2026-09-05T16:00:00Z");

        Instant next = Recurrence.next("0 0 9 * * *", santiago, saturdayNoon).orElseThrow();

        assertThat(next.atZone(santiago).toLocalDate()).as("next of %s is %s", saturdayNoon, next.atZone(santiago))
                .isEqualTo(LocalDate.parse("2026-09-06"));
    }
}
