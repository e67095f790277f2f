package io.reachflow.task;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of a task's audit trail: who did what, when, and what it changed. */
@Entity
@Table(name = "task_audit")
public class AuditEntry {

    /** The longest comment a line keeps (its column's length). */
    public static final int MAX_COMMENT = 4000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private Long taskId;
    private Instant at;
    private String actor;
    private String action;

    @Enumerated(EnumType.STRING)
    private TaskStatus statusBefore;

    @Enumerated(EnumType.STRING)
    private TaskStatus statusAfter;

    @Enumerated(EnumType.STRING)
    private ApprovalStatus approvalBefore;

    @Enumerated(EnumType.STRING)
    private ApprovalStatus approvalAfter;

    private String comment;

    protected AuditEntry() {
    }

    public AuditEntry(Long taskId, Instant at, String actor, String action, TaskStatus statusBefore,
                      TaskStatus statusAfter, ApprovalStatus approvalBefore, ApprovalStatus approvalAfter,
                      String comment) {
        this.taskId = taskId;
        this.at = at;
        this.actor = actor;
        this.action = action;
        this.statusBefore = statusBefore;
        this.statusAfter = statusAfter;
        this.approvalBefore = approvalBefore;
        this.approvalAfter = approvalAfter;
        this.comment = comment;
    }

    public Long getId() {
        return id;
    }

    public Long getTaskId() {
        return taskId;
    }

    public Instant getAt() {
        return at;
    }

    public String getActor() {
        return actor;
    }

    public String getAction() {
        return action;
    }

    public TaskStatus getStatusBefore() {
        return statusBefore;
    }

    public TaskStatus getStatusAfter() {
        return statusAfter;
    }

    public ApprovalStatus getApprovalBefore() {
        return approvalBefore;
    }

    public ApprovalStatus getApprovalAfter() {
        return approvalAfter;
    }

    public String getComment() {
        return comment;
    }
}
