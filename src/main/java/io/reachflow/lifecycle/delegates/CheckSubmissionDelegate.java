package io.reachflow.lifecycle.delegates;

import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.lifecycle.SubmissionCheck;
import io.reachflow.task.OperationTask;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Runs the submission check; the task goes to review, or stays TESTING with approval SUBMISSION_FAILED. */
@Component
public class CheckSubmissionDelegate implements JavaDelegate {

    private final SubmissionCheck check;
    private final LifecycleTransitions transitions;

    public CheckSubmissionDelegate(SubmissionCheck check, LifecycleTransitions transitions) {
        this.check = check;
        this.transitions = transitions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        long taskId = LifecycleVariables.taskId(execution);
        OperationTask task = transitions.load(taskId);
        SubmissionCheck.Verdict verdict = check.judge(task);
        String comment = LifecycleVariables.actionComment(execution);
        if (verdict.passed()) {
            transitions.submitted(taskId, comment, verdict.audienceSize());
        } else {
            transitions.submissionFailed(taskId, verdict.failures(), comment);
        }
        LifecycleVariables.setSubmissionPassed(execution, verdict.passed());
        LifecycleVariables.setAudienceSize(execution, verdict.audienceSize());
    }
}
