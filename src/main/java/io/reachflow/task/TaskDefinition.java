package io.reachflow.task;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Everything an operator defines about a task: what create and edit set. A blank subgroup is none; a tester named
 * twice is one tester (ids are case-sensitive), in the order first named.
 */
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
        subgroup = subgroupOrNone(subgroup);
        testers = testers == null ? List.of() : distinctTesters(testers);
    }

    /** The same definition in another subgroup (which is never material). */
    public TaskDefinition withSubgroup(String newSubgroup) {
        return new TaskDefinition(name, description, campaign, miniProgram, newSubgroup, channel, pushType, audience,
                content, schedule, trigger, conversion, testers);
    }

    /** The testers without repeats, each where it was first named: a test round reaches each once. */
    public static List<String> distinctTesters(List<String> testers) {
        return List.copyOf(new LinkedHashSet<>(testers));
    }

    /** A subgroup of only blanks is no subgroup. */
    static String subgroupOrNone(String subgroup) {
        return subgroup == null || subgroup.isBlank() ? null : subgroup;
    }
}
