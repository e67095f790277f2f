package io.reachflow.review;

import io.reachflow.audience.AudienceResolver;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.OperationTask;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Decides the review's levels, candidate groups and timeout with {@code dmn/review-routing.dmn}. */
@Component
public class RouteReviewDelegate implements JavaDelegate {

    private final LifecycleTransitions transitions;
    private final AudienceResolver audiences;
    private final ReviewRouting routing;

    public RouteReviewDelegate(LifecycleTransitions transitions, AudienceResolver audiences, ReviewRouting routing) {
        this.transitions = transitions;
        this.audiences = audiences;
        this.routing = routing;
    }

    @Override
    public void execute(DelegateExecution execution) {
        OperationTask task = transitions.load(LifecycleVariables.taskId(execution));
        long audienceSize = LifecycleVariables.audienceSize(execution)
                .orElseGet(() -> audiences.estimateSize(task.getAudience()));
        ReviewVariables.setRoute(execution, routing.route(task.getChannel(), task.getPushType(), audienceSize));
    }
}
