package io.reachflow.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Fixtures;
import io.reachflow.task.Audience;
import io.reachflow.task.AudienceType;
import io.reachflow.task.Channel;
import io.reachflow.task.FrequencyCap;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import io.reachflow.task.Trigger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the reviewer reads of a task's audience and schedule in Tasklist. */
class ReviewBriefingTextTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void namesTheAudienceInWords() {
        assertThat(ReviewBriefingText.audience(new Audience(AudienceType.ALL, null, null, List.of("staff"))))
                .isEqualTo("Everyone, except those tagged staff");
        assertThat(ReviewBriefingText.audience(new Audience(AudienceType.TAGS, List.of("vip", "berlin"), null, null)))
                .isEqualTo("Users tagged vip or berlin");
        List<String> many = IntStream.range(0, 23).mapToObj(i -> "u" + i).toList();
        assertThat(ReviewBriefingText.audience(new Audience(AudienceType.USERS, null, many, null)))
                .startsWith("23 listed users: u0, u1,").endsWith("u19 and 3 more");
    }

    @Test
    void saysWhenAndHowItGoesOutInTheTasksTimeZone() {
        Schedule schedule = new Schedule(Instant.parse("2026-12-24T00:00:00Z"), null, null, null, "Asia/Tokyo",
                List.of(new SendWindow(LocalTime.of(9, 0), LocalTime.of(21, 0))), List.of(DayOfWeek.SUNDAY), 600,
                new FrequencyCap(3, Duration.ofDays(1)), null);

        assertThat(ReviewBriefingText.schedule(task(PushType.ONE_TIME, schedule, null))).isEqualTo(String.join("\n",
                "Once, at 2026-12-24 09:00 Asia/Tokyo (late by more than PT1H: not sent)",
                "Only between 09:00-21:00 in each recipient's time zone",
                "Never on SUNDAY in each recipient's time zone",
                "At most 600 messages a minute",
                "Nobody gets more than 3 IN_APP messages in PT24H, from any task"));
    }

    @Test
    void describesEachPushType() {
        Schedule recurring = new Schedule(null, Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"), "0 9 * * MON-FRI", "Europe/Berlin", null, null, null, null,
                null);
        assertThat(ReviewBriefingText.schedule(task(PushType.RECURRING, recurring, null))).isEqualTo("On the schedule "
                + "'0 9 * * MON-FRI' in Europe/Berlin, from 2026-12-01 01:00 Europe/Berlin until 2027-01-01 01:00 "
                + "Europe/Berlin");
        assertThat(ReviewBriefingText.schedule(task(PushType.MANUAL, Schedule.immediately(), null)))
                .isEqualTo("Each time an operator sends it");
        assertThat(ReviewBriefingText.schedule(task(PushType.ONE_TIME, Schedule.immediately(), null)))
                .isEqualTo("Once, as soon as it is approved");
        Schedule until = new Schedule(null, null, Instant.parse("2027-01-01T00:00:00Z"), null, null, null, null, null,
                null, null);
        assertThat(ReviewBriefingText.schedule(task(PushType.TRIGGERED, until, new Trigger("cart_abandoned",
                Duration.ofHours(2))))).isEqualTo("On the event 'cart_abandoned', PT2H after it, until 2027-01-01 "
                + "00:00 UTC");
    }

    private static OperationTask task(PushType pushType, Schedule schedule, Trigger trigger) {
        return OperationTask.create(Fixtures.definition(Channel.IN_APP, pushType, schedule, trigger), "olivia", NOW);
    }
}
