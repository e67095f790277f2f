package io.reachflow.review;

import io.reachflow.task.Audience;
import io.reachflow.task.Content;
import io.reachflow.task.FrequencyCap;
import io.reachflow.task.OperationTask;
import io.reachflow.task.Schedule;
import io.reachflow.task.SendWindow;
import io.reachflow.task.Trigger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The audience, the content and the schedule of a task in the words a reviewer reads in Tasklist, rather than its
 * JSON: who gets it, what it says, and when and how it goes out.
 */
final class ReviewBriefingText {

    /** Listed users named in the briefing at most; the rest are counted. */
    static final int USERS_NAMED = 20;

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private ReviewBriefingText() {
    }

    static String audience(Audience audience) {
        String who = switch (audience.type()) {
            case ALL -> "Everyone";
            case TAGS -> "Users tagged " + String.join(" or ", audience.tags());
            case USERS -> audience.users().size()
                    + (audience.users().size() == 1 ? " listed user: " : " listed users: ")
                    + audience.users().stream().limit(USERS_NAMED).collect(Collectors.joining(", "))
                    + (audience.users().size() > USERS_NAMED
                            ? " and " + (audience.users().size() - USERS_NAMED) + " more" : "");
        };
        return audience.excludeTags().isEmpty() ? who
                : who + ", except those tagged " + String.join(" or ", audience.excludeTags());
    }

    /**
     * The content as the operator wrote it, placeholders and sections included: what each recipient's profile fills
     * in, and where it may choose between texts, which one rendering for one user cannot show.
     */
    static String content(Content content) {
        return (content.title() == null ? "" : "Title: " + content.title() + "\n") + "Body: " + content.body()
                + (content.link() == null ? "" : "\nLink: " + content.link());
    }

    static String schedule(OperationTask task) {
        Schedule schedule = task.getSchedule();
        ZoneId zone = schedule.zone();
        List<String> lines = new ArrayList<>();
        lines.add(switch (task.getPushType()) {
            case ONE_TIME -> schedule.sendAt() == null ? "Once, as soon as it is approved"
                    : "Once, at " + at(schedule.sendAt(), zone) + " (late by more than "
                    + schedule.effectiveLateSendGrace() + ": not sent)";
            case RECURRING -> "On the schedule '" + schedule.recurrence() + "' in " + zone + ", from "
                    + at(schedule.startAt(), zone) + " until " + at(schedule.endAt(), zone);
            case MANUAL -> "Each time an operator sends it";
            case TRIGGERED -> triggered(task.getTrigger()) + ", until " + at(schedule.endAt(), zone);
        });
        if (!schedule.sendWindows().isEmpty()) {
            lines.add("Only between " + schedule.sendWindows().stream().map(ReviewBriefingText::window)
                    .collect(Collectors.joining(", ")) + " in each recipient's time zone");
        }
        if (!schedule.doNotDisturbDays().isEmpty()) {
            lines.add("Never on " + schedule.doNotDisturbDays().stream().map(Enum::name)
                    .collect(Collectors.joining(", ")) + " in each recipient's time zone");
        }
        if (schedule.rateLimitPerMinute() != null) {
            lines.add("At most " + schedule.rateLimitPerMinute() + " messages a minute");
        }
        FrequencyCap cap = schedule.frequencyCap();
        if (cap != null) {
            lines.add("Nobody gets more than " + cap.max() + " " + task.getChannel() + " messages in " + cap.period()
                    + ", from any task");
        }
        return String.join("\n", lines);
    }

    private static String triggered(Trigger trigger) {
        if (trigger == null) {
            return "On its trigger";
        }
        return "On the event '" + trigger.event() + "'" + (trigger.delay() == null ? "" : ", " + trigger.delay()
                + " after it");
    }

    private static String window(SendWindow window) {
        return window.from() + "-" + window.to();
    }

    private static String at(Instant instant, ZoneId zone) {
        return instant == null ? "(not set)" : LOCAL.format(instant.atZone(zone)) + " " + zone;
    }
}
