package io.reachflow.task;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operation task aggregate. It owns its status and approval status and refuses any transition that its
 * lifecycle does not have; which actions a user may take is decided on top of that by
 * {@code dmn/task-actions.dmn}.
 */
@Entity
@Table(name = "operation_task")
public class OperationTask {

    /** The longest name, in UTF-16 units (as the request's check and the column count it). */
    public static final int MAX_NAME_LENGTH = 64;

    private static final Set<TaskStatus> EDITABLE = EnumSet.of(TaskStatus.DRAFT, TaskStatus.TESTING, TaskStatus.PAUSED);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    private String name;
    private String description;
    private String campaign;
    private String miniProgram;
    private String subgroup;

    @Enumerated(EnumType.STRING)
    private Channel channel;

    @Enumerated(EnumType.STRING)
    private PushType pushType;

    @Convert(converter = JsonColumn.AudienceColumn.class)
    private Audience audience;

    @Convert(converter = JsonColumn.ContentColumn.class)
    private Content content;

    @Convert(converter = JsonColumn.ScheduleColumn.class)
    private Schedule schedule;

    @Convert(converter = JsonColumn.TriggerColumn.class)
    @Column(name = "trigger_definition")
    private Trigger trigger;

    @Convert(converter = JsonColumn.ConversionColumn.class)
    private Conversion conversion;

    @Convert(converter = JsonColumn.StringListColumn.class)
    private List<String> testers;

    @Enumerated(EnumType.STRING)
    private TaskStatus status;

    @Enumerated(EnumType.STRING)
    private ApprovalStatus approvalStatus;

    /** Why the approval status is what it is: submission failure reasons, a reject comment, a withdrawal reason. */
    private String approvalNote;

    /** Bumped by every material change; a test round records the revision it tested. */
    private int revision;

    private String createdBy;

    /** Who wrote the task this one is a copy of (and that one's sources): authors of its words too. */
    @Convert(converter = JsonColumn.StringListColumn.class)
    private List<String> sourceAuthors;

    private Instant createdAt;
    private Instant updatedAt;
    private String submittedBy;
    private Instant submittedAt;
    private String approvedBy;
    private Instant approvedAt;

    @Enumerated(EnumType.STRING)
    private CompletionReason completionReason;

    private Instant completedAt;
    private boolean deleted;

    protected OperationTask() {
    }

    public static OperationTask create(TaskDefinition definition, String createdBy, Instant now) {
        OperationTask task = new OperationTask();
        task.apply(definition);
        task.status = TaskStatus.DRAFT;
        task.approvalStatus = ApprovalStatus.NONE;
        task.revision = 1;
        task.createdBy = createdBy;
        task.createdAt = now;
        task.updatedAt = now;
        return task;
    }

    /**
     * A new DRAFT with this task's content, audience, schedule and channel, named "Copy of …", remembering who wrote
     * it ({@code authors}: this task's creator, editors and source authors).
     */
    public OperationTask copy(String copiedBy, Collection<String> authors, Instant now) {
        String copyName = "Copy of " + name;
        if (copyName.length() > MAX_NAME_LENGTH) {
            // at a character's boundary: an emoji's two UTF-16 units stay together or go together
            int end = Character.isHighSurrogate(copyName.charAt(MAX_NAME_LENGTH - 1)) ? MAX_NAME_LENGTH - 1
                    : MAX_NAME_LENGTH;
            copyName = copyName.substring(0, end);
        }
        OperationTask copy = create(new TaskDefinition(copyName, description, campaign, miniProgram, subgroup, channel,
                pushType, audience, content, schedule, trigger, conversion, testers), copiedBy, now);
        copy.sourceAuthors = List.copyOf(new TreeSet<>(authors));
        return copy;
    }

    /**
     * Changes what the task is. Editing a PAUSED task sends it back to TESTING with approval NONE: an approval
     * binds the exact task, so it must be tested and approved again.
     */
    public void edit(TaskDefinition definition, Instant now) {
        requireStatus("edit", EDITABLE);
        apply(definition);
        revision++;
        if (status == TaskStatus.PAUSED) {
            reopenForTesting();
        }
        updatedAt = now;
    }

    /** The testers are part of what gets approved: changing them is an edit. A tester named twice is one. */
    public void changeTesters(List<String> newTesters, Instant now) {
        requireStatus("change testers", EDITABLE);
        testers = TaskDefinition.distinctTesters(newTesters);
        if (status == TaskStatus.PAUSED) {
            reopenForTesting();
        }
        updatedAt = now;
    }

    /** Never material: allowed in every state and keeps any approval. A blank subgroup is none. */
    /**
     * A level of its review was decided: the task, as a client read it, has changed (its version with it), so that an
     * approval sent with the version read before is refused rather than taken for the next level's.
     */
    public void reviewLevelDecided(Instant now) {
        updatedAt = now;
    }

    public void changeSubgroup(String newSubgroup, Instant now) {
        subgroup = TaskDefinition.subgroupOrNone(newSubgroup);
        updatedAt = now;
    }

    /**
     * A paused task was changed: back to TESTING, and the approval, which was of what it was, is gone with who gave
     * it and when (the audit trail keeps them).
     */
    private void reopenForTesting() {
        status = TaskStatus.TESTING;
        approvalStatus = ApprovalStatus.NONE;
        approvalNote = null;
        approvedBy = null;
        approvedAt = null;
    }

    /** A test round is requested: DRAFT becomes TESTING; TESTING stays (a retest). */
    public void startTesting(Instant now) {
        requireStatus("test", EnumSet.of(TaskStatus.DRAFT, TaskStatus.TESTING));
        if (testers.isEmpty()) {
            throw new IllegalTransitionException("Task " + id + " has no testers: add testers before testing");
        }
        status = TaskStatus.TESTING;
        updatedAt = now;
    }

    public void submit(String submitter, Instant now) {
        requireStatus("submit", EnumSet.of(TaskStatus.TESTING));
        status = TaskStatus.UNDER_REVIEW;
        approvalStatus = ApprovalStatus.UNDER_REVIEW;
        approvalNote = null;
        submittedBy = submitter;
        submittedAt = now;
        updatedAt = now;
    }

    public void failSubmission(String submitter, List<String> reasons, Instant now) {
        requireStatus("submit", EnumSet.of(TaskStatus.TESTING));
        approvalStatus = ApprovalStatus.SUBMISSION_FAILED;
        approvalNote = String.join("; ", reasons);
        submittedBy = submitter;
        submittedAt = now;
        updatedAt = now;
    }

    public void withdraw(String reason, Instant now) {
        requireStatus("withdraw", EnumSet.of(TaskStatus.UNDER_REVIEW));
        status = TaskStatus.TESTING;
        approvalStatus = ApprovalStatus.WITHDRAWN;
        approvalNote = reason;
        updatedAt = now;
    }

    public void reject(String reviewer, String comment, Instant now) {
        requireStatus("reject", EnumSet.of(TaskStatus.UNDER_REVIEW));
        status = TaskStatus.TESTING;
        approvalStatus = ApprovalStatus.REJECTED;
        approvalNote = comment;
        updatedAt = now;
    }

    public void approve(String reviewer, Instant now) {
        requireStatus("approve", EnumSet.of(TaskStatus.UNDER_REVIEW));
        status = TaskStatus.RUNNING;
        approvalStatus = ApprovalStatus.APPROVED;
        approvedBy = reviewer;
        approvedAt = now;
        updatedAt = now;
    }

    public void pause(Instant now) {
        requireStatus("pause", EnumSet.of(TaskStatus.RUNNING));
        status = TaskStatus.PAUSED;
        updatedAt = now;
    }

    public void resume(Instant now) {
        requireStatus("resume", EnumSet.of(TaskStatus.PAUSED));
        status = TaskStatus.RUNNING;
        updatedAt = now;
    }

    public void complete(CompletionReason reason, Instant now) {
        requireStatus("complete", EnumSet.of(TaskStatus.RUNNING, TaskStatus.PAUSED));
        status = TaskStatus.COMPLETED;
        completionReason = reason;
        completedAt = now;
        updatedAt = now;
    }

    /** A manual send is only possible while a MANUAL task runs. */
    public void requireManualSendable() {
        requireStatus("send", EnumSet.of(TaskStatus.RUNNING));
        if (pushType != PushType.MANUAL) {
            throw new IllegalTransitionException("Task " + id + " is " + pushType + ": only MANUAL tasks are sent by hand");
        }
    }

    /**
     * Whether a ONE_TIME push going out at {@code now} would be later than the task's grace after its send time:
     * then it is not sent and the task completes as EXPIRED.
     */
    public boolean sendExpired(Instant now) {
        return pushType == PushType.ONE_TIME && schedule.sendAt() != null
                && now.isAfter(schedule.sendAt().plus(schedule.effectiveLateSendGrace()));
    }

    /** Refuses a change made against a version that is no longer current. */
    public void requireVersion(Long expected) {
        if (expected != null && expected != version) {
            throw new StaleVersionException(id, expected, version);
        }
    }

    /** Soft delete: the task leaves every list, its history and pushes stay. */
    public void delete(Instant now) {
        requireStatus("delete", EnumSet.of(TaskStatus.DRAFT, TaskStatus.TESTING));
        deleted = true;
        updatedAt = now;
    }

    private void apply(TaskDefinition definition) {
        name = definition.name();
        description = definition.description();
        campaign = definition.campaign();
        miniProgram = definition.miniProgram();
        subgroup = definition.subgroup();
        channel = definition.channel();
        pushType = definition.pushType();
        audience = definition.audience();
        content = definition.content();
        schedule = definition.schedule();
        trigger = definition.trigger();
        conversion = definition.conversion();
        testers = definition.testers();
    }

    private void requireStatus(String action, Set<TaskStatus> allowed) {
        if (deleted) {
            throw new IllegalTransitionException("Task " + id + " is deleted");
        }
        if (!allowed.contains(status)) {
            throw new IllegalTransitionException("Cannot " + action + " task " + id + " while it is " + status);
        }
    }

    public TaskDefinition definition() {
        return new TaskDefinition(name, description, campaign, miniProgram, subgroup, channel, pushType, audience,
                content, schedule, trigger, conversion, testers);
    }

    public Long getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public String getCampaign() {
        return campaign;
    }

    public String getMiniProgram() {
        return miniProgram;
    }

    public String getSubgroup() {
        return subgroup;
    }

    public Channel getChannel() {
        return channel;
    }

    public PushType getPushType() {
        return pushType;
    }

    public Audience getAudience() {
        return audience;
    }

    public Content getContent() {
        return content;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Trigger getTrigger() {
        return trigger;
    }

    public Conversion getConversion() {
        return conversion;
    }

    public List<String> getTesters() {
        return testers;
    }

    /** Who wrote the task this one was copied from, and its sources; none for a task that is no copy. */
    public List<String> getSourceAuthors() {
        return sourceAuthors == null ? List.of() : sourceAuthors;
    }

    public TaskStatus getStatus() {
        return status;
    }

    public ApprovalStatus getApprovalStatus() {
        return approvalStatus;
    }

    public String getApprovalNote() {
        return approvalNote;
    }

    public int getRevision() {
        return revision;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public String getSubmittedBy() {
        return submittedBy;
    }

    public Instant getSubmittedAt() {
        return submittedAt;
    }

    public String getApprovedBy() {
        return approvedBy;
    }

    public Instant getApprovedAt() {
        return approvedAt;
    }

    public CompletionReason getCompletionReason() {
        return completionReason;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    public boolean isDeleted() {
        return deleted;
    }
}
