package io.reachflow.delivery;

import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * When a recipient may get a task's messages: within one of its daily send windows and not on a do-not-disturb day,
 * both in the recipient's own time zone. A window whose {@code to} is before its {@code from} runs over midnight
 * ({@code 21:00}–{@code 08:00}). No windows means all day.
 */
final class SendWindows {

    /** The longest a recipient can be kept waiting: a week, plus a day for a window that runs over midnight. */
    private static final int DAYS_AHEAD = 8;

    private final List<SendWindow> windows;
    private final Set<DayOfWeek> doNotDisturbDays;

    private SendWindows(List<SendWindow> windows, Set<DayOfWeek> doNotDisturbDays) {
        this.windows = windows;
        this.doNotDisturbDays = doNotDisturbDays;
    }

    static SendWindows of(Schedule schedule) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        days.addAll(schedule.doNotDisturbDays());
        return new SendWindows(schedule.sendWindows(), days);
    }

    /** Whether the task limits when its messages go out at all. */
    boolean restricts() {
        return !windows.isEmpty() || !doNotDisturbDays.isEmpty();
    }

    /** Why a recipient in {@code zone} must wait at {@code now}, and until when; empty when they may get it now. */
    Optional<Deferral> deferral(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        SkipReason reason = reasonAt(local);
        if (reason == null) {
            return Optional.empty();
        }
        Instant next = null;
        LocalDate today = local.toLocalDate();
        for (int day = 0; day <= DAYS_AHEAD && next == null; day++) {
            LocalDate date = today.plusDays(day);
            List<Instant> candidates = new ArrayList<>();
            for (LocalTime start : starts()) {
                candidates.add(ZonedDateTime.of(date, start, zone).toInstant());
            }
            // the clocks spring forward over a window's opening: the window opens when the skipped hour ends
            gapEnd(date, zone).ifPresent(candidates::add);
            for (Instant candidate : candidates) {
                if (candidate.isAfter(now) && reasonAt(candidate.atZone(zone)) == null
                        && (next == null || candidate.isBefore(next))) {
                    next = candidate;
                }
            }
        }
        if (next == null) {
            throw new IllegalStateException("No time in the next " + DAYS_AHEAD + " days is outside the "
                    + "do-not-disturb days " + doNotDisturbDays + " and in the windows " + windows);
        }
        return Optional.of(new Deferral(reason, next));
    }

    /** When the local times the clocks skip on {@code date} end (spring forward), if they skip any that day. */
    private static Optional<Instant> gapEnd(LocalDate date, ZoneId zone) {
        ZoneOffsetTransition transition = zone.getRules()
                .nextTransition(date.atStartOfDay(zone).toInstant().minusSeconds(1));
        return transition != null && transition.isGap() && transition.getDateTimeAfter().toLocalDate().equals(date)
                ? Optional.of(transition.getInstant()) : Optional.empty();
    }

    /** What keeps a message back at this local time; null when nothing does. */
    private SkipReason reasonAt(ZonedDateTime local) {
        if (doNotDisturbDays.contains(local.getDayOfWeek())) {
            return SkipReason.DO_NOT_DISTURB;
        }
        if (windows.isEmpty()) {
            return null;
        }
        LocalTime time = local.toLocalTime();
        for (SendWindow window : windows) {
            boolean inside = window.from().isBefore(window.to())
                    ? !time.isBefore(window.from()) && time.isBefore(window.to())
                    : !time.isBefore(window.from()) || time.isBefore(window.to());
            if (inside) {
                return null;
            }
        }
        return SkipReason.OUTSIDE_SEND_WINDOW;
    }

    /** The local times at which sending may start: a window opening, or midnight (a do-not-disturb day ending). */
    private List<LocalTime> starts() {
        return Stream.concat(Stream.of(LocalTime.MIDNIGHT),
                windows.stream().map(SendWindow::from)).distinct().toList();
    }

    /** A recipient waits, for this reason, until this time. */
    record Deferral(SkipReason reason, Instant until) {
    }
}
