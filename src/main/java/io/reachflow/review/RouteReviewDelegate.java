package io.reachflow.review;

import io.reachflow.audience.AudienceResolver;
import io.reachflow.lifecycle.LifecycleTransitions;
import io.reachflow.lifecycle.LifecycleVariables;
import io.reachflow.task.OperationTask;
import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.calendar.DurationBusinessCalendar;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.stereotype.Component;

/**
 * Decides the review's levels, candidate groups and timeout with {@code dmn/review-routing.dmn}, and when the review
 * times out: its work is due then, at each level (Tasklist shows it and sorts by it), and its timer fires then.
 */
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
        ReviewRouting.Route route = routing.route(task.getChannel(), task.getPushType(), audienceSize);
        // resolved as the engine resolves a timer's duration (its business calendar, its clock); none without a
        // review, whose routing row may leave the timeout out
        Date due = route.levels() == 0 || route.timeout() == null ? null : Context.getProcessEngineConfiguration()
                .getBusinessCalendarManager().getBusinessCalendar(DurationBusinessCalendar.NAME)
                .resolveDuedate(route.timeout());
        ReviewVariables.setRoute(execution, route, due);
    }
}
