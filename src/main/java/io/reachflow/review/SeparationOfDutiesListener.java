package io.reachflow.review;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.system.Groups;
import io.reachflow.system.ListenerRefusalPlugin;
import io.reachflow.task.AuditTrail;
import io.reachflow.task.OperationTask;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricTaskPermissions;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.impl.persistence.entity.PropertyChange;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Separation of duties, enforced by the engine for Tasklist, {@code /engine-rest} and our API alike: the reviewer
 * at any level is a member of the work's candidate group, neither the task's creator, its submitter nor anyone who
 * edited it since it was last approved (an author of what is reviewed), and the second level is not the first.
 *
 * <ul>
 *   <li>{@code create}: revokes the excluded users' access to this review work, so Tasklist never shows them
 *   work they may not do, and seals the process variables the work sees ({@link ReviewSeal});</li>
 *   <li>{@code assignment}: refuses a claim by an excluded user or one outside the candidate group;</li>
 *   <li>{@code complete}: refuses a decision that set more than the decision (the route, say), one by someone
 *   other than whoever claimed the work, and one by an excluded user or one outside the candidate group; requires
 *   the decision (and a comment to reject), and records who decided;</li>
 *   <li>{@code delete}: lets the seal go (the review was withdrawn or timed out).</li>
 * </ul>
 * Candidate groups get {@code TASK_WORK} on the work (claim and complete; {@code application.yml}), not the engine's
 * default {@code UPDATE}, with which a reviewer could also add candidate groups, set its owner or its variables.
 * A refusal is an {@link AuthorizationException}, a decision without its variables a
 * {@link FormFieldValidationException}: 403 and 400 in our API and in both REST copies of the engine's, Tasklist's
 * too ({@code ListenerRefusalPlugin}).
 */
@Component
public class SeparationOfDutiesListener implements TaskListener {

    private static final Logger log = LoggerFactory.getLogger(SeparationOfDutiesListener.class);

    private final LifecycleTransitions transitions;
    private final AuditTrail audit;
    private final ReviewSeal seal;
    private final Clock clock;

    public SeparationOfDutiesListener(LifecycleTransitions transitions, AuditTrail audit, ReviewSeal seal,
                                      Clock clock) {
        this.transitions = transitions;
        this.audit = audit;
        this.seal = seal;
        this.clock = clock;
    }

    @Override
    public void notify(DelegateTask work) {
        if (work.getEventName() == null) {
            // the engine names the event only when the work's execution is there: it went with the review, which
            // another request ended meanwhile (a completion of the same work at the same time)
            throw goneMeanwhile(work);
        }
        switch (work.getEventName()) {
            case EVENTNAME_CREATE -> {
                hideFromExcluded(work);
                // the second level decides afresh: the first level's decision is not the default of its own
                work.getExecution().removeVariable(ReviewVariables.APPROVED);
                work.getExecution().removeVariable(ReviewVariables.REVIEW_COMMENT);
                seal.seal(work);
            }
            case EVENTNAME_ASSIGNMENT -> {
                requireOwnClaim(work);
                if (work.getAssignee() != null) {
                    requireAllowed(work, work.getAssignee(), "claim");
                    requireReviewer(work, work.getAssignee(), "claim");
                }
            }
            case EVENTNAME_COMPLETE -> recordDecision(work);
            case EVENTNAME_DELETE -> seal.release(work);
            default -> { }
        }
    }

    private void hideFromExcluded(DelegateTask work) {
        AuthorizationService authorizations = work.getProcessEngineServices().getAuthorizationService();
        Set<String> excluded = excludedUsers(work);
        Context.getCommandContext().runWithoutAuthorization(() -> {
            for (String user : excluded) {
                Authorization revoke = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_REVOKE);
                revoke.setUserId(user);
                revoke.setResource(Resources.TASK);
                revoke.setResourceId(work.getId());
                revoke.removePermission(Permissions.ALL);
                authorizations.saveAuthorization(revoke);
                // and its history (Tasklist's History tab and comments), which the candidate groups may read
                AuthorizationEntity history = (AuthorizationEntity) authorizations
                        .createNewAuthorization(Authorization.AUTH_TYPE_REVOKE);
                history.setUserId(user);
                history.setResource(Resources.HISTORIC_TASK);
                history.setResourceId(work.getId());
                history.removePermission(HistoricTaskPermissions.ALL);
                authorizations.saveAuthorization(history);
                // after the save, which looks for the work's history in the database, finds none yet (it is written
                // with this command) and clears the root: with it, the revoke ends with the rest of the history
                history.setRootProcessInstanceId(((TaskEntity) work).getExecution().getRootProcessInstanceId());
            }
            return null;
        });
    }

    private void recordDecision(DelegateTask work) {
        String decider = decider(work);
        // the task first, as a withdrawal takes it before it deletes the work and its seal: a decision and a
        // withdrawal at once wait for each other instead of deadlocking on the seal and the task
        transitions.lock(LifecycleVariables.taskId(work));
        // then: what the checks below read (who decided the first level) must be what the work was created with
        if (!seal.check(work, decider)) {
            if (gone(work)) {
                throw goneMeanwhile(work); // withdrawn or timed out while this decision waited for the task
            }
            log.warn("Review work {} has no seal (created before seals existed): its decision is not checked",
                    work.getId());
        }
        if (work.getAssignee() != null && !work.getAssignee().equals(decider)) {
            throw new AuthorizationException(decider + " may not decide the review of task "
                    + LifecycleVariables.taskId(work) + ": " + work.getAssignee() + " claimed it");
        }
        requireAllowed(work, decider, "decide");
        requireReviewer(work, decider, "decide");
        Boolean approved = ReviewVariables.approved(work);
        if (approved == null) {
            throw new FormFieldValidationException(ReviewVariables.APPROVED,
                    "Complete the review with the Boolean variable '" + ReviewVariables.APPROVED + "'");
        }
        Object given = work.getVariable(ReviewVariables.REVIEW_COMMENT);
        if (given != null && !(given instanceof String)) {
            throw new FormFieldValidationException(ReviewVariables.REVIEW_COMMENT,
                    "The comment in '" + ReviewVariables.REVIEW_COMMENT + "' must be a text (a String variable)");
        }
        String comment = ReviewVariables.comment(work);
        if (!approved && (comment == null || comment.isBlank())) {
            throw new FormFieldValidationException(ReviewVariables.REVIEW_COMMENT,
                    "A rejection needs a comment in '" + ReviewVariables.REVIEW_COMMENT + "'");
        }
        if (comment != null && comment.length() > ReviewVariables.MAX_COMMENT) {
            // longer, it would fail the completion's write (a 500) or be cut in the task's history
            throw new FormFieldValidationException(ReviewVariables.REVIEW_COMMENT, String.format(Locale.ROOT,
                    "The comment in '%s' may be at most %,d characters; it has %d", ReviewVariables.REVIEW_COMMENT,
                    ReviewVariables.MAX_COMMENT, comment.length()));
        }
        work.setVariable(ReviewVariables.REVIEWER, decider);
        if (ReviewProcess.Element.USER_TASK_REVIEW.id().equals(work.getTaskDefinitionKey())) {
            work.setVariable(ReviewVariables.LEVEL1_REVIEWER, decider);
        }
        OperationTask task = transitions.load(LifecycleVariables.taskId(work));
        audit.record(task, decider, (approved ? "REVIEW_APPROVED" : "REVIEW_REJECTED") + " (" + work.getName() + ")",
                comment, decided -> decided.reviewLevelDecided(clock.instant()));
        log.info("Task {}: {} {} by {}", task.getId(), work.getName(), approved ? "approved" : "rejected", decider);
    }

    /**
     * A reviewer claims work for themselves and gives back only their own claim (a claim for nobody, which the
     * engine lets whoever may claim make): otherwise one reviewer could take over another's work. An admin assigns
     * and unassigns as they see fit, within the rules above. Who acts is the authenticated user; none (the engine's
     * own calls) is not checked here.
     */
    private static void requireOwnClaim(DelegateTask work) {
        Authentication current = work.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        if (current == null || current.getUserId() == null
                || current.getGroupIds() != null && current.getGroupIds().contains(Groups.ADMINS)) {
            return;
        }
        String user = current.getUserId();
        String assignee = work.getAssignee();
        String before = previousAssignee(work);
        if (assignee != null && !assignee.equals(user)) {
            throw new AuthorizationException(user + " may not give the review of task "
                    + LifecycleVariables.taskId(work) + " to " + assignee + ": reviewers claim it for themselves");
        }
        if (assignee == null && before != null && !before.equals(user)) {
            throw new AuthorizationException(user + " may not give back the review of task "
                    + LifecycleVariables.taskId(work) + ": " + before + " claimed it");
        }
    }

    private static String previousAssignee(DelegateTask work) {
        if (work instanceof TaskEntity entity) {
            PropertyChange change = entity.getPropertyChanges().get(TaskEntity.ASSIGNEE);
            return change == null ? null : (String) change.getOrgValue();
        }
        return null;
    }

    private void requireAllowed(DelegateTask work, String user, String what) {
        if (excludedUsers(work).contains(user)) {
            // a refusal an admin may be asked about ("why can't I claim it?"): said once, where it is decided
            log.info("Task {}: {} may not {} '{}' (separation of duties: creator, submitter, editor or first-level "
                    + "reviewer)", LifecycleVariables.taskId(work), user, what, work.getName());
            throw new AuthorizationException("Separation of duties: " + user + " may not " + what + " the review of task "
                    + LifecycleVariables.taskId(work) + " (creator, submitter, editor or first-level reviewer)");
        }
    }

    /**
     * Only the work's reviewers decide it: members of its candidate group. An admin has every engine permission,
     * but is no reviewer unless in that group.
     */
    private void requireReviewer(DelegateTask work, String user, String what) {
        Set<String> candidateGroups = work.getCandidates().stream()
                .filter(link -> IdentityLinkType.CANDIDATE.equals(link.getType()) && link.getGroupId() != null)
                .map(IdentityLink::getGroupId)
                .collect(Collectors.toSet());
        if (candidateGroups.isEmpty() && gone(work)) {
            // decided by another reviewer, withdrawn or timed out while this command ran: its links went with it
            throw goneMeanwhile(work);
        }
        if (candidateGroups.isEmpty()) {
            throw new AuthorizationException("The review of task " + LifecycleVariables.taskId(work) + " names no "
                    + "candidate group: nobody may " + what + " it (the model must name the reviewers' group)");
        }
        if (Collections.disjoint(candidateGroups, groupsOf(work, user))) {
            log.info("Task {}: {} may not {} '{}': not in {}", LifecycleVariables.taskId(work), user, what,
                    work.getName(), String.join(", ", candidateGroups));
            throw new AuthorizationException(user + " may not " + what + " the review of task "
                    + LifecycleVariables.taskId(work) + ": only members of " + String.join(", ", candidateGroups)
                    + " decide it");
        }
    }

    /** Work that another request ended while this one ran, as the engine says work it cannot find (a 404). */
    private static NullValueException goneMeanwhile(DelegateTask work) {
        return new NullValueException(ListenerRefusalPlugin.NO_SUCH_TASK + work.getId() + ": it was decided, "
                + "withdrawn or timed out meanwhile");
    }

    /** Whether the work is no longer in the database, whoever may see it. */
    private static boolean gone(DelegateTask work) {
        TaskService tasks = work.getProcessEngineServices().getTaskService();
        return Context.getCommandContext().runWithoutAuthorization(() ->
                tasks.createTaskQuery().taskId(work.getId()).count() == 0);
    }

    /** The groups of the authenticated user when that is {@code user}, else the identity service's. */
    private static Collection<String> groupsOf(DelegateTask work, String user) {
        IdentityService identity = work.getProcessEngineServices().getIdentityService();
        Authentication current = identity.getCurrentAuthentication();
        if (current != null && user.equals(current.getUserId()) && current.getGroupIds() != null) {
            return current.getGroupIds();
        }
        return Context.getCommandContext().runWithoutAuthorization(() ->
                identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).toList());
    }

    /**
     * The creator, the submitter, whoever edited the task since it was last approved and, for a copy, whoever wrote
     * what it was copied from; at the second level also whoever decided the first.
     */
    private Set<String> excludedUsers(DelegateTask work) {
        OperationTask task = transitions.load(LifecycleVariables.taskId(work));
        Set<String> excluded = new LinkedHashSet<>();
        excluded.add(task.getCreatedBy());
        if (task.getSubmittedBy() != null) {
            excluded.add(task.getSubmittedBy());
        }
        excluded.addAll(audit.editorsSinceLastApproval(task));
        excluded.addAll(task.getSourceAuthors());
        if (ReviewProcess.Element.USER_TASK_SENIOR_REVIEW.id().equals(work.getTaskDefinitionKey())) {
            String first = ReviewVariables.level1Reviewer(work);
            if (first != null) {
                excluded.add(first);
            }
        }
        excluded.removeIf(Objects::isNull);
        return excluded;
    }

    /** Who completes the work: the authenticated user (Tasklist, engine REST, our API), else its assignee. */
    private static String decider(DelegateTask work) {
        Authentication current = work.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        if (current != null && current.getUserId() != null) {
            return current.getUserId();
        }
        if (work.getAssignee() != null) {
            return work.getAssignee();
        }
        throw new AuthorizationException("Review work of task " + LifecycleVariables.taskId(work)
                + " can only be decided by an authenticated reviewer");
    }
}
