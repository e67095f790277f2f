package io.reachflow.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.audience.UserProfile;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.delivery.PushStatus;
import io.reachflow.lifecycle.LifecycleProcess.Element;
import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.Channel;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import io.reachflow.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The lifecycle's timers on the days a user meets: daylight-saving changes, a schedule's edges. */
@ReachflowSpringTest
class LifecycleTimeTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String DAILY_AT_0230 = "0 30 2 * * *";

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    PushRepository pushes;

    @Autowired
    Deliveries deliveries;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void resetClock() {
        engine.resetClock();
    }

    private List<Push> livePushes(OperationTask task) {
        return pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.LIVE);
    }

    private static Schedule daily(String cron, String zone, Instant startAt, Instant endAt) {
        return new Schedule(null, startAt, endAt, cron, zone, null, null, null, null, null);
    }

    /**
     * A task running "every day at 02:30, Europe/Berlin" over the spring-forward night (Sunday 29 March 2026, when
     * 02:00–02:59 does not exist): its next occurrence is on that Sunday (03:30 CEST, as a send time in the gap
     * moves forward by it), not on Monday: a daily campaign does not silently lose a day.
     */
    @Test
    void aDailyOccurrenceInTheSpringForwardGapIsSentThatDay() {
        engine.setTime(Instant.parse("2026-03-28T12:00:00Z"));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                daily(DAILY_AT_0230, "Europe/Berlin", null, Instant.parse("2026-04-02T00:00:00Z")), null));

        Instant next = engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id());

        assertThat(next.atZone(BERLIN).toLocalDate()).as("the first occurrence is %s", next.atZone(BERLIN))
                .isEqualTo(LocalDate.parse("2026-03-29"));
    }

    /**
     * The same task over the autumn night (Sunday 25 October 2026, when 02:00–02:59 comes twice): it sends at 02:30
     * CEST, and its next occurrence is on Monday, not 02:30 CET an hour later: the audience gets the daily campaign
     * once that day, not twice.
     */
    @Test
    void aDailyOccurrenceInTheAutumnRepeatedHourIsSentOnce() {
        engine.setTime(Instant.parse("2026-10-24T12:00:00Z"));
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                daily(DAILY_AT_0230, "Europe/Berlin", null, Instant.parse("2026-10-29T00:00:00Z")), null));
        Instant first = engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id());
        assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));

        engine.setTime(first.plusSeconds(1));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).as("02:30 CEST").hasSize(1);
        Instant next = engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id());

        engine.setTime(Instant.parse("2026-10-25T01:30:01Z")); // 02:30:01 CET, the second 02:30 of the night
        engine.runDueJobs(task.getId());

        assertThat(livePushes(task)).as("pushes by 02:30 CET on 25 October; the next occurrence was at %s",
                next.atZone(BERLIN)).hasSize(1);
        assertThat(next.atZone(BERLIN).toLocalDate()).isEqualTo(LocalDate.parse("2026-10-26"));
    }

    /**
     * "Every day at 09:00 UTC" from tomorrow 09:00 to 12:00: its one occurrence is at its start, which the lifecycle
     * sends ({@code LifecycleSchedule.nextOccurrence} counts an occurrence at {@code startAt}); the submission check
     * must not refuse it as a schedule with nothing left to send.
     */
    @Test
    void aRecurringTaskWhoseOnlyOccurrenceIsAtItsStartPassesTheSubmissionCheck() {
        engine.setTime(Instant.parse("2026-12-01T12:00:00Z"));
        Instant start = Instant.parse("2026-12-02T09:00:00Z");
        OperationTask task = fixtures.underReview(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                daily("0 0 9 * * *", "UTC", start, start.plus(Duration.ofHours(3))), null));

        assertThat(task.getApprovalStatus()).as("failures: %s", task.getApprovalNote()).isEqualTo(ApprovalStatus.UNDER_REVIEW);
    }

    /**
     * "Every day at 09:00 UTC" until tomorrow 09:00: tomorrow's occurrence falls at the end, when the task completes
     * and calls off what its pushes have not sent. Its timer and the end's would both be due, and a push started by
     * the first of them would reach no one or a few; the occurrence at the end is not sent, whichever fires first.
     */
    @Test
    void anOccurrenceAtTheEndTimeIsNotSent() {
        engine.setTime(Instant.parse("2026-12-01T08:00:00Z"));
        Instant end = Instant.parse("2026-12-02T09:00:00Z");
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING,
                daily("0 0 9 * * *", "UTC", null, end), null));
        engine.setTime(Instant.parse("2026-12-01T09:00:01Z"));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).as("today's occurrence").hasSize(1);

        assertThat(engine.lifecycleTimerDue(task.getId(), Element.TIMER_NEXT_OCCURRENCE.id()))
                .as("the next occurrence's timer").isAfter(end);
        engine.setTime(end.plusSeconds(1));
        engine.runDueJobs(task.getId());
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(livePushes(task)).as("pushes by the end").hasSize(1);
    }

    /**
     * A ONE_TIME task with {@code "lateSendGrace": "PT0S"} (accepted: "no late sends") whose timer fires on time, as
     * the job executor fires one: a second after its due date (it acquires jobs every 0.5 to 2 seconds, and the
     * start of the push is a job of its own after the timer's). It is sent; a grace the validation accepts must not
     * make every send expire.
     */
    @Test
    void aOneTimeTaskWithAZeroGraceIsSentWhenItsTimerFiresOnTime() {
        Instant sendAt = engine.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.ONE_TIME,
                new Schedule(sendAt, null, null, null, null, null, null, null, null, Duration.ZERO), null));

        engine.setTime(sendAt.plusSeconds(1));
        engine.runDueJobs(task.getId());

        assertThat(fixtures.reload(task).getCompletionReason()).isNotEqualTo(CompletionReason.EXPIRED);
        assertThat(livePushes(task)).hasSize(1);
    }

    /**
     * "Every day at 20:00 UTC until 20:30", only 09:00–21:00 in each recipient's time zone. At 20:00 UTC it is 05:00
     * in Tokyo: the Tokyo audience waits for 09:00 JST (00:00 UTC), after the task's end. The task completes at its
     * end (END_TIME_REACHED) and, as a task paused at its end, sends nothing after it: what waited is cancelled, not
     * delivered into the next morning of a campaign that is over.
     */
    @Test
    void aRecurringTaskSendsNothingAfterItsEndTime() {
        engine.setTime(Instant.parse("2026-03-02T19:30:00Z"));
        List<String> tokyo = deliveries.audienceOf(2, id -> new UserProfile(id, id, null, null, null, "Asia/Tokyo",
                null, Set.of(), Map.of(), Set.of()));
        Schedule evenings = new Schedule(null, null, Instant.parse("2026-03-02T20:30:00Z"), "0 0 20 * * *", "UTC",
                List.of(new SendWindow(LocalTime.of(9, 0), LocalTime.of(21, 0))), null, null, null, null);
        OperationTask task = fixtures.running(Fixtures.definition(Channel.IN_APP, PushType.RECURRING, evenings, null,
                Deliveries.to(tokyo)));

        engine.setTime(Instant.parse("2026-03-02T20:00:01Z"));
        engine.runDueJobs(task.getId());
        assertThat(livePushes(task)).as("the occurrence's push").hasSize(1);
        assertThat(deliveredTo(task, tokyo)).as("05:00 in Tokyo: they wait for 09:00").isZero();
        engine.setTime(Instant.parse("2026-03-02T20:30:01Z"));
        engine.runDueJobs(task.getId());
        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(livePushes(task)).as("the push once the task has ended, before the window opens")
                .singleElement().satisfies(push -> {
                    assertThat(push.getStatus()).isEqualTo(PushStatus.CANCELLED);
                    assertThat(push.getCancelReason()).isEqualTo("TASK_COMPLETED");
                });
        engine.setTime(Instant.parse("2026-03-03T00:00:01Z")); // 09:00 in Tokyo
        engine.runDueJobs(task.getId());

        assertThat(deliveredTo(task, tokyo)).as("messages delivered after the task's end").isZero();
    }

    /** How many in-app messages of the task these users got (not its testers'). */
    private long deliveredTo(OperationTask task, List<String> users) {
        return jdbc.queryForList("select user_id from inbox_message where task_id = ?", String.class, task.getId())
                .stream().filter(users::contains).count();
    }
}
