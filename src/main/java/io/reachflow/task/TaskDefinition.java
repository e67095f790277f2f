package io.reachflow.task;

import java.util.List;

/** Everything an operator defines about a task: what create and edit set. */
public record TaskDefinition(
        String name,
        String description,
        String campaign,
        String miniProgram,
        String subgroup,
        Channel channel,
        PushType pushType,
        Audience audience,
        Content content,
        Schedule schedule,
        Trigger trigger,
        Conversion conversion,
        List<String> testers) {

    public TaskDefinition {
        schedule = schedule == null ? Schedule.immediately() : schedule;
        testers = testers == null ? List.of() : List.copyOf(testers);
    }
}
