package io.reachflow.task.web;

import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.Audience;
import io.reachflow.task.Channel;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.Content;
import io.reachflow.task.Conversion;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskStatus;
import io.reachflow.task.Trigger;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** A task as the API shows it, with the actions its state allows. */
record TaskView(
        long id,
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
        List<String> testers,
        TaskStatus status,
        ApprovalStatus approvalStatus,
        String approvalNote,
        long version,
        @Schema(description = "Bumped by every material change (what is tested and approved): a test round or push "
                + "with the same taskRevision tested or sent this content; version counts every change")
        int revision,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        String submittedBy,
        String approvedBy,
        Instant approvedAt,
        CompletionReason completionReason,
        Instant completedAt,
        Set<TaskAction> allowedActions) {

    static TaskView of(OperationTask task, Set<TaskAction> allowedActions) {
        return new TaskView(task.getId(), task.getName(), task.getDescription(), task.getCampaign(),
                task.getMiniProgram(), task.getSubgroup(), task.getChannel(), task.getPushType(), task.getAudience(),
                task.getContent(), task.getSchedule(), task.getTrigger(), task.getConversion(), task.getTesters(),
                task.getStatus(), task.getApprovalStatus(), task.getApprovalNote(), task.getVersion(),
                task.getRevision(), task.getCreatedBy(), task.getCreatedAt(), task.getUpdatedAt(),
                task.getSubmittedBy(),
                task.getApprovedBy(), task.getApprovedAt(), task.getCompletionReason(), task.getCompletedAt(),
                allowedActions);
    }
}
