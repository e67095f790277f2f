package io.reachflow.task;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules of a task definition beyond single fields' bounds: what each push type needs in its schedule, valid
 * cron, time zones and templates, duration limits. Single fields are checked by Bean Validation on the request.
 */
public final class TaskDefinitionRules {

    static final Duration MAX_TRIGGER_DELAY = Duration.ofDays(30);
    static final Duration MAX_CONVERSION_WINDOW = Duration.ofDays(90);
    static final Duration MAX_LATE_SEND_GRACE = Duration.ofDays(30);
    /**
     * The times a schedule may name: a four-digit year, which every reader of the task (and its database) reads back;
     * a number of milliseconds read as seconds lands tens of thousands of years away.
     */
    static final Instant EARLIEST_TIME = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private TaskDefinitionRules() {
    }

    public static void check(TaskDefinition definition) {
        Map<String, String> errors = errors(definition);
        if (!errors.isEmpty()) {
            throw new InvalidTaskException(errors);
        }
    }

    /** What {@link #check} refuses a definition for, as field path to message; empty when it may be saved. */
    public static Map<String, String> errors(TaskDefinition definition) {
        Map<String, String> errors = problems(definition);
        unreadFields(definition).forEach(errors::putIfAbsent);
        return errors;
    }

    /** Field path to message; empty when the definition is consistent. */
    public static Map<String, String> problems(TaskDefinition definition) {
        Map<String, String> errors = new LinkedHashMap<>();
        Schedule schedule = definition.schedule();
        PushType pushType = definition.pushType();
        Audience audience = definition.audience();
        if (audience != null && audience.type() != null) {
            if (audience.type() == AudienceType.TAGS && audience.tags().isEmpty()) {
                errors.put("audience.tags", "must name at least one tag for a TAGS audience");
            }
            if (audience.type() == AudienceType.USERS && audience.users().isEmpty()) {
                errors.put("audience.users", "must name at least one user for a USERS audience");
            }
        }
        if (definition.content() != null) {
            ContentTemplate.syntaxError(definition.content().title())
                    .ifPresent(error -> errors.put("content.title", error));
            ContentTemplate.syntaxError(definition.content().body())
                    .ifPresent(error -> errors.put("content.body", error));
            if (definition.content().link() != null && !webLink(definition.content().link())) {
                errors.put("content.link",
                        "must be an absolute http or https URL, such as https://shop.example.com/sale");
            }
        }
        if (schedule.timeZone() != null && !TimeZoneId.Validator.known(schedule.timeZone())) {
            errors.put("schedule.timeZone", "is not an IANA time zone: " + schedule.timeZone());
        }
        requireYearInRange(errors, "schedule.sendAt", schedule.sendAt());
        requireYearInRange(errors, "schedule.startAt", schedule.startAt());
        requireYearInRange(errors, "schedule.endAt", schedule.endAt());
        if (schedule.startAt() != null && schedule.endAt() != null && !schedule.startAt().isBefore(schedule.endAt())) {
            errors.put("schedule.endAt", "must be after schedule.startAt");
        }
        if (schedule.lateSendGrace() != null && schedule.lateSendGrace().isNegative()) {
            errors.put("schedule.lateSendGrace", "must not be negative");
        } else if (schedule.lateSendGrace() != null && schedule.lateSendGrace().compareTo(MAX_LATE_SEND_GRACE) > 0) {
            errors.put("schedule.lateSendGrace", "must be at most " + MAX_LATE_SEND_GRACE.toDays() + " days");
        }
        if (schedule.frequencyCap() != null && schedule.frequencyCap().period() != null
                && !positive(schedule.frequencyCap().period())) {
            errors.put("schedule.frequencyCap.period", "must be positive");
        } else if (schedule.frequencyCap() != null && schedule.frequencyCap().period() != null
                && schedule.frequencyCap().period().compareTo(FrequencyCap.LONGEST_PERIOD) > 0) {
            errors.put("schedule.frequencyCap.period", "must be at most " + FrequencyCap.LONGEST_PERIOD.toDays() + " days");
        }
        for (int i = 0; i < schedule.sendWindows().size(); i++) {
            SendWindow window = schedule.sendWindows().get(i);
            if (window.from() != null && window.from().equals(window.to())) {
                errors.put("schedule.sendWindows[" + i + "]", "from and to must differ");
            }
        }
        if (schedule.doNotDisturbDays().size() == DayOfWeek.values().length) {
            errors.put("schedule.doNotDisturbDays", "must leave at least one day of the week to send on");
        }
        if (definition.conversion() != null && definition.conversion().window() != null
                && (!positive(definition.conversion().window())
                || definition.conversion().window().compareTo(MAX_CONVERSION_WINDOW) > 0)) {
            errors.put("conversion.window", "must be positive and at most P90D");
        }
        if (pushType == null) {
            return errors; // what each push type needs is said once the type is valid
        }
        if (pushType == PushType.RECURRING) {
            if (schedule.recurrence() == null || schedule.recurrence().isBlank()) {
                errors.put("schedule.recurrence", "is required for RECURRING tasks");
            } else {
                try {
                    Recurrence.shortestGap(schedule.recurrence())
                            .filter(gap -> gap.compareTo(Recurrence.MIN_INTERVAL) < 0)
                            .ifPresent(gap -> errors.put("schedule.recurrence", "must not recur more often than once "
                                    + "an hour: it recurs after " + gap.toString().substring(2).toLowerCase()));
                } catch (IllegalArgumentException e) {
                    errors.put("schedule.recurrence", "is not a cron expression: " + e.getMessage());
                }
            }
        } else if (schedule.recurrence() != null) {
            errors.put("schedule.recurrence", "is only for RECURRING tasks");
        }
        if ((pushType == PushType.RECURRING || pushType == PushType.TRIGGERED) && schedule.endAt() == null) {
            errors.put("schedule.endAt", "is required for " + pushType + " tasks");
        }
        if (pushType != PushType.ONE_TIME && schedule.sendAt() != null) {
            errors.put("schedule.sendAt", "is only for ONE_TIME tasks");
        }
        if (pushType == PushType.TRIGGERED) {
            if (definition.trigger() == null) {
                errors.put("trigger", "is required for TRIGGERED tasks");
            } else if (definition.trigger().delay() != null
                    && (definition.trigger().delay().isNegative() || definition.trigger().delay().compareTo(MAX_TRIGGER_DELAY) > 0)) {
                errors.put("trigger.delay", "must be between PT0S and P30D");
            }
        } else if (definition.trigger() != null) {
            errors.put("trigger", "is only for TRIGGERED tasks");
        }
        return errors;
    }

    /**
     * Fields the task's types do not read, refused when a task is saved: tags of an audience that is not TAGS (it would
     * read as narrower than the one sent to), users of one that is not USERS, {@code startAt} outside RECURRING,
     * {@code endAt} of a ONE_TIME or MANUAL task (a MANUAL one runs until an operator completes it, and nothing stopped
     * its sends at that time). Not part of {@link #problems}, which the submission check reads: a task saved
     * before these rules keeps such fields, which change nothing it sends, and may still be submitted.
     */
    static Map<String, String> unreadFields(TaskDefinition definition) {
        Map<String, String> errors = new LinkedHashMap<>();
        Audience audience = definition.audience();
        if (audience != null && audience.type() != null) {
            if (audience.type() != AudienceType.TAGS && !audience.tags().isEmpty()) {
                errors.put("audience.tags", "is only for a TAGS audience; use excludeTags to leave users out");
            }
            if (audience.type() != AudienceType.USERS && !audience.users().isEmpty()) {
                errors.put("audience.users", "is only for a USERS audience");
            }
        }
        Schedule schedule = definition.schedule();
        if (definition.pushType() == null) {
            return errors;
        }
        if (definition.pushType() != PushType.RECURRING && schedule.startAt() != null) {
            errors.put("schedule.startAt", "is only for RECURRING tasks");
        }
        if (definition.pushType() == PushType.ONE_TIME && schedule.endAt() != null) {
            errors.put("schedule.endAt", "is not for ONE_TIME tasks: sendAt is when one goes out");
        }
        if (definition.pushType() == PushType.MANUAL && schedule.endAt() != null) {
            errors.put("schedule.endAt", "is not for MANUAL tasks: one runs until an operator completes it");
        }
        return errors;
    }

    /**
     * An absolute http or https URL with a host: what a recipient may open. Any other scheme ({@code javascript:},
     * {@code data:}, {@code file:}) would run or read something in the recipient's app.
     */
    static boolean webLink(String link) {
        try {
            URI uri = new URI(link);
            return uri.getScheme() != null && (uri.getScheme().equalsIgnoreCase("http")
                    || uri.getScheme().equalsIgnoreCase("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void requireYearInRange(Map<String, String> errors, String field, Instant time) {
        if (time != null && (time.isBefore(EARLIEST_TIME) || time.isAfter(LATEST_TIME))) {
            errors.put(field, "must be between 2000-01-01 and 9999-12-31; a number is read as seconds since the epoch, "
                    + "not milliseconds");
        }
    }
}
