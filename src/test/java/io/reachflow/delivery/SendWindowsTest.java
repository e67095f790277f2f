package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Send windows and do-not-disturb days, in the recipient's own time zone. Monday 2 March 2026, 06:00 UTC. */
class SendWindowsTest {

    private static final Instant MONDAY_0600_UTC = Instant.parse("2026-03-02T06:00:00Z");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void withoutWindowsOrDaysNothingWaits() {
        SendWindows windows = windows(List.of(), List.of());

        assertThat(windows.restricts()).isFalse();
        assertThat(windows.deferral(MONDAY_0600_UTC, LISBON)).isEmpty();
    }

    @Test
    void eachRecipientWaitsForTheWindowInTheirOwnTimeZone() {
        SendWindows daytime = windows(List.of(window("09:00", "21:00")), List.of());

        assertThat(daytime.deferral(MONDAY_0600_UTC, TOKYO)).as("15:00 in Tokyo").isEmpty();
        assertThat(daytime.deferral(MONDAY_0600_UTC, LISBON)).as("06:00 in Lisbon: 09:00 the same day")
                .contains(new SendWindows.Deferral(SkipReason.OUTSIDE_SEND_WINDOW, Instant.parse("2026-03-02T09:00:00Z")));
        assertThat(daytime.deferral(MONDAY_0600_UTC, NEW_YORK)).as("01:00 in New York: 09:00 EST")
                .contains(new SendWindows.Deferral(SkipReason.OUTSIDE_SEND_WINDOW, Instant.parse("2026-03-02T14:00:00Z")));
        assertThat(daytime.deferral(Instant.parse("2026-03-02T21:00:00Z"), LISBON)).as("the window's end is outside")
                .contains(new SendWindows.Deferral(SkipReason.OUTSIDE_SEND_WINDOW, Instant.parse("2026-03-03T09:00:00Z")));
    }

    @Test
    void theEarliestOfSeveralWindowsOpensFirst() {
        SendWindows twice = windows(List.of(window("18:00", "20:00"), window("08:00", "10:00")), List.of());

        assertThat(twice.deferral(Instant.parse("2026-03-02T12:00:00Z"), LISBON).map(SendWindows.Deferral::until))
                .contains(Instant.parse("2026-03-02T18:00:00Z"));
        assertThat(twice.deferral(Instant.parse("2026-03-02T09:59:59Z"), LISBON)).isEmpty();
    }

    @Test
    void aWindowMayRunOverMidnight() {
        SendWindows night = windows(List.of(window("21:00", "08:00")), List.of());

        assertThat(night.deferral(Instant.parse("2026-03-02T23:00:00Z"), LISBON)).isEmpty();
        assertThat(night.deferral(Instant.parse("2026-03-02T07:59:00Z"), LISBON)).isEmpty();
        assertThat(night.deferral(Instant.parse("2026-03-02T12:00:00Z"), LISBON).map(SendWindows.Deferral::until))
                .contains(Instant.parse("2026-03-02T21:00:00Z"));
    }

    @Test
    void aDoNotDisturbDayWaitsForTheNextDayOrItsWindow() {
        SendWindows weekdays = windows(List.of(), List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
        Instant saturdayNoon = Instant.parse("2026-03-07T12:00:00Z");

        assertThat(weekdays.deferral(saturdayNoon, LISBON))
                .contains(new SendWindows.Deferral(SkipReason.DO_NOT_DISTURB, Instant.parse("2026-03-09T00:00:00Z")));
        assertThat(weekdays.deferral(saturdayNoon, TOKYO).map(SendWindows.Deferral::until)).as("Monday, Tokyo time")
                .contains(Instant.parse("2026-03-08T15:00:00Z"));

        SendWindows officeHours = windows(List.of(window("09:00", "17:00")), List.of(DayOfWeek.SATURDAY,
                DayOfWeek.SUNDAY));
        assertThat(officeHours.deferral(Instant.parse("2026-03-06T18:00:00Z"), LISBON)).as("Friday evening")
                .contains(new SendWindows.Deferral(SkipReason.OUTSIDE_SEND_WINDOW, Instant.parse("2026-03-09T09:00:00Z")));
    }

    private static SendWindows windows(List<SendWindow> windows, List<DayOfWeek> doNotDisturbDays) {
        return SendWindows.of(new Schedule(null, null, null, null, null, windows, doNotDisturbDays, null, null, null));
    }

    private static SendWindow window(String from, String to) {
        return new SendWindow(LocalTime.parse(from), LocalTime.parse(to));
    }
}
