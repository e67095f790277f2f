package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Send windows on the nights the clocks change. Europe/Berlin springs forward on Sunday 29 March 2026 at 02:00 CET
 * (01:00Z), straight to 03:00 CEST: local times 02:00–02:59 do not exist that night.
 */
class SendWindowsDaylightSavingTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /**
     * A window 02:30–03:30 still exists on the spring-forward night, from 03:00 to 03:30 CEST (01:00Z–01:30Z): a
     * recipient who must wait at 01:00 CET waits until 03:00 CEST, when the window's local times begin that night,
     * not a whole day more.
     */
    @Test
    void aWindowPartlyInTheSpringForwardGapOpensThatNightWhereItsLocalTimesExist() {
        SendWindows night = windows(window("02:30", "03:30"));
        Instant oneAmCet = Instant.parse("2026-03-29T00:00:00Z");

        assertThat(night.deferral(Instant.parse("2026-03-29T01:10:00Z"), BERLIN)).as("03:10 CEST is in the window")
                .isEmpty();
        assertThat(night.deferral(oneAmCet, BERLIN).map(SendWindows.Deferral::until))
                .as("01:00 CET waits until 03:00 CEST the same night, when the window is open")
                .contains(Instant.parse("2026-03-29T01:00:00Z"));
    }

    /**
     * A window opening at 02:30 opens at 03:00 CEST on the spring-forward night (the first local time after the gap
     * that is inside it), not at 03:30 CEST: the recipient does not wait half an hour longer than the window says.
     */
    @Test
    void aWindowOpeningInTheSpringForwardGapOpensWhenTheGapEnds() {
        SendWindows early = windows(window("02:30", "08:00"));

        assertThat(early.deferral(Instant.parse("2026-03-29T00:00:00Z"), BERLIN).map(SendWindows.Deferral::until))
                .contains(Instant.parse("2026-03-29T01:00:00Z"));
    }

    private static SendWindows windows(SendWindow... windows) {
        return SendWindows.of(new Schedule(null, null, null, null, null, List.of(windows), List.of(), null, null, null));
    }

    private static SendWindow window(String from, String to) {
        return new SendWindow(LocalTime.parse(from), LocalTime.parse(to));
    }
}
