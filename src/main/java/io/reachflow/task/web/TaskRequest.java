package io.reachflow.task.web;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.reachflow.system.PlainText;
import io.reachflow.system.RuleBetweenFields;
import io.reachflow.system.UserId;
import io.reachflow.task.Audience;
import io.reachflow.task.Channel;
import io.reachflow.task.Content;
import io.reachflow.task.Conversion;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.Trigger;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST /api/tasks} and {@code PUT /api/tasks/{id}}. Any other field is refused, but those a
 * {@link TaskView} has beyond it (its state, who and when) are ignored, so that a task read, changed and sent back
 * is an edit.
 */
@JsonIgnoreProperties({"id", "revision", "status", "approvalStatus", "approvalNote", "createdBy", "createdAt",
        "updatedAt", "submittedBy", "approvedBy", "approvedAt", "completionReason", "completedAt", "allowedActions"})
@ConsistentTask(payload = RuleBetweenFields.class)
record TaskRequest(
        @NotBlank @PlainText @Size(max = OperationTask.MAX_NAME_LENGTH) String name,
        @PlainText(multiLine = true) @Size(max = 2000) String description,
        @PlainText @Size(max = 128) String campaign,
        @PlainText @Size(max = 128) String miniProgram,
        @PlainText @Size(max = 128) String subgroup,
        @NotNull Channel channel,
        @NotNull PushType pushType,
        @NotNull @Valid Audience audience,
        @NotNull @Valid Content content,
        @Valid Schedule schedule,
        @Valid Trigger trigger,
        @Valid Conversion conversion,
        @Size(max = 50) List<@NotBlank @UserId String> testers,
        Long version) {

    TaskDefinition toDefinition() {
        return new TaskDefinition(name, description, campaign, miniProgram, subgroup, channel, pushType, audience,
                content, schedule, trigger, conversion, testers);
    }
}
