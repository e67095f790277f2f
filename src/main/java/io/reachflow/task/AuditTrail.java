package io.reachflow.task;

import io.reachflow.system.Texts;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Records a change to a task together with its before and after state. Every transition of a task, by an
 * operator, a reviewer or the engine, goes through {@link #record}.
 */
@Component
public class AuditTrail {

    /** The actions that change what a task's review approves: their actors are its authors. */
    public static final String EDIT = "EDIT";
    public static final String CHANGE_TESTERS = "CHANGE_TESTERS";
    private static final List<String> EDITS = List.of(EDIT, CHANGE_TESTERS);

    private final AuditRepository audits;
    private final Clock clock;

    public AuditTrail(AuditRepository audits, Clock clock) {
        this.audits = audits;
        this.clock = clock;
    }

    /**
     * Applies {@code change} to the task and writes the audit line for it; a comment longer than the line keeps (the
     * fifty testers of a change of testers) is cut to fit.
     */
    public void record(OperationTask task, String actor, String action, String comment, Consumer<OperationTask> change) {
        TaskStatus statusBefore = task.getStatus();
        ApprovalStatus approvalBefore = task.getApprovalStatus();
        change.accept(task);
        audits.save(new AuditEntry(task.getId(), clock.instant(), actor, action, statusBefore, task.getStatus(),
                approvalBefore, task.getApprovalStatus(), Texts.fitted(comment, AuditEntry.MAX_COMMENT)));
    }

    /**
     * Who edited the task (its content, schedule, audience or testers) since it was last approved, or since it was
     * created: the authors of what is reviewed.
     */
    public List<String> editorsSinceLastApproval(OperationTask task) {
        return audits.actorsSinceLastApproval(task.getId(), EDITS);
    }

    /**
     * Who wrote the task as its review would exclude them as authors: its creator, the authors of what it was copied
     * from, and whoever edited it since it was last approved (an edit another reviewer has approved since does not
     * count, for a copy as for the task).
     */
    public Set<String> authors(OperationTask task) {
        Set<String> authors = new TreeSet<>(editorsSinceLastApproval(task));
        authors.add(task.getCreatedBy());
        authors.addAll(task.getSourceAuthors());
        return authors;
    }

    /** An event that changes no state, such as a reviewer's first-level approval. */
    public void note(OperationTask task, String actor, String action, String comment) {
        record(task, actor, action, comment, unchanged -> { });
    }
}
