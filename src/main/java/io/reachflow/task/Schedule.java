package io.reachflow.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reachflow.system.NoNulls;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * When a task sends. {@code sendAt} for ONE_TIME (absent: at once on approval); {@code startAt}, {@code endAt}
 * and a cron {@code recurrence} for RECURRING; {@code endAt} for TRIGGERED. Times given without an offset are read in
 * the task's {@code timeZone}, as its cron is.
 */
public record Schedule(
        Instant sendAt,
        Instant startAt,
        Instant endAt,
        @Size(max = 120) String recurrence,
        @Size(max = 64) String timeZone,
        @Size(max = 10) List<@Valid SendWindow> sendWindows,
        List<DayOfWeek> doNotDisturbDays,
        @Min(1) @Max(1_000_000) Integer rateLimitPerMinute,
        @Valid FrequencyCap frequencyCap,
        Duration lateSendGrace) {

    public static final Duration DEFAULT_LATE_SEND_GRACE = Duration.ofHours(1);
    /** The least grace a send has, whatever the task says (see {@link #effectiveLateSendGrace}). */
    public static final Duration MIN_LATE_SEND_GRACE = Duration.ofMinutes(1);

    /**
     * The schedule as a request (or the stored task) gives it: {@code sendAt}, {@code startAt} and {@code endAt} with
     * an offset, or without one, then read in {@code timeZone} ({@link ScheduleTime}).
     */
    @JsonCreator
    static Schedule fromJson(@JsonProperty("sendAt") ScheduleTime sendAt, @JsonProperty("startAt") ScheduleTime startAt,
                             @JsonProperty("endAt") ScheduleTime endAt, @JsonProperty("recurrence") String recurrence,
                             @JsonProperty("timeZone") String timeZone,
                             @JsonProperty("sendWindows") List<SendWindow> sendWindows,
                             @JsonProperty("doNotDisturbDays") List<DayOfWeek> doNotDisturbDays,
                             @JsonProperty("rateLimitPerMinute") Integer rateLimitPerMinute,
                             @JsonProperty("frequencyCap") FrequencyCap frequencyCap,
                             @JsonProperty("lateSendGrace") Duration lateSendGrace) {
        return new Schedule(ScheduleTime.in(sendAt, timeZone), ScheduleTime.in(startAt, timeZone),
                ScheduleTime.in(endAt, timeZone), recurrence, timeZone, sendWindows, doNotDisturbDays,
                rateLimitPerMinute, frequencyCap, lateSendGrace);
    }

    public static Schedule immediately() {
        return new Schedule(null, null, null, null, null, null, null, null, null, null);
    }

    public Schedule {
        sendWindows = NoNulls.copy("sendWindows", sendWindows);
        // a set, in the order given: a day named twice is the day once
        doNotDisturbDays = List.copyOf(new LinkedHashSet<>(NoNulls.copy("doNotDisturbDays", doNotDisturbDays)));
    }

    public ZoneId zone() {
        return timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    }

    /**
     * How late a send may still go out: the task's {@code lateSendGrace}, {@link #DEFAULT_LATE_SEND_GRACE} without
     * one, and never under {@link #MIN_LATE_SEND_GRACE}: the engine's timers fire a few seconds after their time (the
     * job executor looks for them every 0.5 to 2 s, and a push starts in a job after the timer's), so "PT0S" would
     * make every send expire; and never over {@link TaskDefinitionRules#MAX_LATE_SEND_GRACE}.
     */
    public Duration effectiveLateSendGrace() {
        Duration grace = lateSendGrace == null ? DEFAULT_LATE_SEND_GRACE : lateSendGrace;
        if (grace.compareTo(TaskDefinitionRules.MAX_LATE_SEND_GRACE) > 0) {
            // a task saved before the grace was bounded may have more: added to its sendAt it overflowed
            return TaskDefinitionRules.MAX_LATE_SEND_GRACE;
        }
        return grace.compareTo(MIN_LATE_SEND_GRACE) < 0 ? MIN_LATE_SEND_GRACE : grace;
    }

    /**
     * A RECURRING schedule's next occurrence after {@code now}, in its time zone: one at {@code startAt} counts, one
     * at {@code endAt} does not (the task ends then, and what it has not sent by its end is called off, so that push
     * would reach no one, or a few, as the end timer and the occurrence's happened to fire); empty when none is left
     * (or the schedule does not recur). The lifecycle's timer and the submission check both ask it, so that what is
     * checked is what is sent.
     */
    public Optional<Instant> nextOccurrence(Instant now) {
        if (recurrence == null || endAt == null) {
            return Optional.empty();
        }
        Instant from = startAt != null && startAt.isAfter(now) ? startAt.minusSeconds(1) : now;
        return Recurrence.next(recurrence, zone(), from).filter(occurrence -> occurrence.isBefore(endAt));
    }
}
