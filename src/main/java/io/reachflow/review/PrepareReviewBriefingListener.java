package io.reachflow.review;

import io.reachflow.audience.AudienceResolver;
import io.reachflow.audience.UserService;
import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.DeliveryService.RecipientOutcome;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.delivery.TemplateRenderer;
import io.reachflow.delivery.TestRoundResult;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.system.Texts;
import io.reachflow.task.OperationTask;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

/**
 * Puts what the reviewer approves on the review work, as task-local variables the Tasklist form shows: name,
 * channel, push type, audience and its estimated size, the content rendered for a sample user (the first tester) and
 * as written (its placeholders and sections, which decide what everyone else reads), the schedule and the last test
 * round's results, and, for the second level, who approved the first and with what comment. They end with the work
 * (the task stays the source), and stay in the engine's history with it, readable by the reviewers of its groups
 * (Tasklist's History tab and comments read that history).
 */
@Component
public class PrepareReviewBriefingListener implements TaskListener {

    /** The longest text a string variable of the engine holds (its history's and runtime's column). */
    static final int VARIABLE_TEXT = 4000;

    private final LifecycleTransitions transitions;
    private final AudienceResolver audiences;
    private final UserService users;
    private final PushRepository pushes;
    private final DeliveryService delivery;
    private final TemplateRenderer renderer;

    public PrepareReviewBriefingListener(LifecycleTransitions transitions, AudienceResolver audiences, UserService users,
                                         PushRepository pushes, DeliveryService delivery, TemplateRenderer renderer) {
        this.transitions = transitions;
        this.audiences = audiences;
        this.users = users;
        this.pushes = pushes;
        this.delivery = delivery;
        this.renderer = renderer;
    }

    @Override
    public void notify(DelegateTask work) {
        OperationTask task = transitions.load(LifecycleVariables.taskId(work));
        Map<String, Object> briefing = new LinkedHashMap<>();
        briefing.put("taskId", String.valueOf(task.getId()));
        briefing.put("taskName", task.getName());
        briefing.put("taskChannel", task.getChannel().name());
        briefing.put("taskPushType", task.getPushType().name());
        briefing.put("taskCreatedBy", task.getCreatedBy());
        briefing.put("taskSubmittedBy", task.getSubmittedBy());
        briefing.put("taskAudience", ReviewBriefingText.audience(task.getAudience()));
        briefing.put("estimatedAudienceSize", LifecycleVariables.audienceSize(work.getExecution())
                .orElseGet(() -> audiences.estimateSize(task.getAudience())));
        briefing.put("sampleContent", sampleContent(task));
        briefing.put("contentTemplate", ReviewBriefingText.content(task.getContent()));
        briefing.put("taskSchedule", ReviewBriefingText.schedule(task));
        briefing.put("lastTestRound", lastTestRound(task));
        String firstLevel = ReviewVariables.level1Reviewer(work.getExecution());
        if (firstLevel != null) {
            // the second level's work: what the first decided (this runs before the decision is cleared for it)
            String comment = ReviewVariables.comment(work);
            briefing.put("firstLevelDecision", "Approved by " + firstLevel
                    + (comment == null || comment.isBlank() ? "" : ": " + comment));
        }
        // a text longer than a string variable holds would fail the review's start (a long body, rendered longer
        // still; fifty testers with their reasons): the form shows it cut, the task itself is whole
        briefing.replaceAll((name, value) -> value instanceof String text
                ? Texts.fitted(text, VARIABLE_TEXT) : value);
        work.setVariablesLocal(briefing);
    }

    private String sampleContent(OperationTask task) {
        Map<String, Object> profile = new HashMap<>();
        String sampleUser = task.getTesters().isEmpty() ? null : task.getTesters().get(0);
        if (sampleUser != null) {
            users.find(sampleUser).ifPresent(user -> profile.putAll(TemplateRenderer.context(user)));
        }
        String title = renderer.compile(task.getContent().title()).render(profile);
        String body = renderer.compile(task.getContent().body()).render(profile);
        return (sampleUser == null ? "" : "For " + sampleUser + ":\n")
                + (title == null ? "" : title + "\n") + body
                + (task.getContent().link() == null ? "" : "\n" + task.getContent().link());
    }

    private String lastTestRound(OperationTask task) {
        List<Push> rounds = pushes.findByTaskIdAndKindOrderByIdDesc(task.getId(), PushKind.TEST);
        if (rounds.isEmpty()) {
            return "No test round";
        }
        Push round = rounds.get(0);
        List<RecipientOutcome> testers = delivery.outcomes(round.getId());
        return "Round " + rounds.size() + ", of revision " + round.getTaskRevision()
                + (round.getTaskRevision() == task.getRevision() ? " (current)" : " (outdated)") + ": "
                + TestRoundResult.of(testers) + "\n"
                + testers.stream()
                .map(o -> o.userId() + ": " + o.status() + (o.reason() == null ? ""
                        : " (" + o.reason() + (o.detail() == null ? "" : ": " + o.detail()) + ")"))
                .collect(Collectors.joining("\n"));
    }
}
