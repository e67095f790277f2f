package io.reachflow.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskDefinitionRulesTest {

    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    private static TaskDefinition definition(PushType pushType, Schedule schedule, Trigger trigger) {
        return new TaskDefinition("t", null, null, null, null, Channel.IN_APP, pushType,
                new Audience(AudienceType.ALL, null, null, null), new Content(null, "b", null), schedule, trigger,
                null, List.of());
    }

    private static Schedule schedule(Instant sendAt, Instant startAt, Instant endAt, String cron, String zone) {
        return new Schedule(sendAt, startAt, endAt, cron, zone, null, null, null, null, null);
    }

    @Test
    void acceptsConsistentDefinitions() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.ONE_TIME, schedule(START, null, null, null, "Europe/Berlin"), null))).isEmpty();
        assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING,
                schedule(null, START, START.plus(Duration.ofDays(7)), "0 9 * * *", null), null))).isEmpty();
        assertThat(TaskDefinitionRules.problems(definition(PushType.TRIGGERED,
                schedule(null, null, START, null, null), new Trigger("app_open", Duration.ofDays(30))))).isEmpty();
        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL, null, null))).isEmpty();
    }

    /**
     * A field no type reads is refused when a task is saved; one saved before that rule keeps it, changes nothing it
     * sends, and may still be submitted (the submission check reads {@code problems}).
     */
    @Test
    void fieldsTheTypesDoNotReadAreRefusedOnSaveButDoNotFailASubmission() {
        TaskDefinition allWithTags = new TaskDefinition("t", null, null, null, null, Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.ALL, List.of("vip"), null, null), new Content(null, "b", null),
                schedule(null, START, null, null, null), null, null, List.of());

        assertThat(TaskDefinitionRules.problems(allWithTags)).isEmpty();
        assertThatThrownBy(() -> TaskDefinitionRules.check(allWithTags)).isInstanceOfSatisfying(
                InvalidTaskException.class, refused -> assertThat(refused.errors())
                        .containsOnlyKeys("audience.tags", "schedule.startAt"));
    }

    @Test
    void checksThatTheTemplatesCompile() {
        TaskDefinition withDefaults = new TaskDefinition("t", null, null, null, null, Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.ALL, null, null, null),
                new Content("Hi {{name|there}}", "{{#attributes.city}}In {{attributes.city}}{{/attributes.city}}", null),
                null, null, null, List.of());
        TaskDefinition unclosed = new TaskDefinition("t", null, null, null, null, Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.ALL, null, null, null), new Content(null, "{{#name}} never closed", null),
                null, null, null, List.of());

        assertThat(TaskDefinitionRules.problems(withDefaults)).isEmpty();
        assertThat(TaskDefinitionRules.problems(unclosed)).containsOnlyKeys("content.body");
    }

    @Test
    void requiresRecurrenceAndEndForRecurring() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING, null, null)))
                .containsKeys("schedule.recurrence", "schedule.endAt");
    }

    /** More often than hourly is a flood; a cron whose gaps differ is judged by its shortest. */
    @Test
    void refusesARecurrenceMoreOftenThanHourly() {
        for (String flood : List.of("* * * * * *", "0 * * * * *", "0 */30 9-17 * * MON-FRI", "0 0,5 * * * *")) {
            assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING,
                    schedule(null, START, START.plusSeconds(86_400 * 30L), flood, null), null)))
                    .as(flood).extractingByKey("schedule.recurrence").asString().contains("more often than once an hour");
        }
        for (String fine : List.of("0 0 * * * *", "0 9 * * *", "0 9 * * MON-FRI", "0 0 0 29 2 *")) {
            assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING,
                    schedule(null, START, START.plusSeconds(86_400 * 30L), fine, null), null)))
                    .as(fine).doesNotContainKey("schedule.recurrence");
        }
    }

    @Test
    void refusesBadCronAndTimeZone() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING,
                schedule(null, null, START, "every day", "Mars/Olympus"), null)))
                .containsKeys("schedule.recurrence", "schedule.timeZone");
    }

    @Test
    void refusesEndBeforeStart() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.RECURRING,
                schedule(null, START, START.minusSeconds(1), "0 9 * * *", null), null))).containsKey("schedule.endAt");
    }

    @Test
    void limitsTriggerDelayToThirtyDays() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.TRIGGERED,
                schedule(null, null, START, null, null), new Trigger("app_open", Duration.ofDays(31)))))
                .containsKey("trigger.delay");
    }

    @Test
    void leavesAtLeastOneDayToSendOn() {
        Schedule weekdays = new Schedule(null, null, null, null, null, null,
                List.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null, null);
        Schedule never = new Schedule(null, null, null, null, null, null, List.of(DayOfWeek.values()), null, null, null);

        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL, weekdays, null))).isEmpty();
        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL, never, null)))
                .containsEntry("schedule.doNotDisturbDays", "must leave at least one day of the week to send on");
    }

    /** The days are a set: one named twice is kept once, where first named (it was stored as often as named). */
    @Test
    void aDayNamedTwiceIsOneDay() {
        Schedule twice = new Schedule(null, null, null, null, null, null,
                List.of(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null, null);

        assertThat(twice.doNotDisturbDays()).containsExactly(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY);
        assertThat(twice).isEqualTo(new Schedule(null, null, null, null, null, null,
                List.of(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY), null, null, null));
    }

    @Test
    void limitsTheFrequencyCapPeriodToThirtyDays() {
        Schedule monthly = new Schedule(null, null, null, null, null, null, null, null,
                new FrequencyCap(5, Duration.ofDays(30)), null);
        Schedule longer = new Schedule(null, null, null, null, null, null, null, null,
                new FrequencyCap(5, Duration.ofDays(31)), null);
        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL, monthly, null))).isEmpty();
        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL, longer, null)))
                .containsEntry("schedule.frequencyCap.period", "must be at most 30 days");
    }

    @Test
    void refusesFieldsOfOtherPushTypes() {
        assertThat(TaskDefinitionRules.problems(definition(PushType.MANUAL,
                schedule(START, null, null, "0 9 * * *", null), new Trigger("x", null))))
                .containsKeys("schedule.sendAt", "schedule.recurrence", "trigger");
    }

    @Test
    void requiresTagsForTagAudience() {
        TaskDefinition tags = new TaskDefinition("t", null, null, null, null, Channel.IN_APP, PushType.MANUAL,
                new Audience(AudienceType.TAGS, List.of(), null, null), new Content(null, "b", null), null, null, null, null);
        assertThat(TaskDefinitionRules.problems(tags)).containsKey("audience.tags");
    }
}
