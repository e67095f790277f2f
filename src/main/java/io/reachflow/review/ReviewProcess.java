package io.reachflow.review;

/**
 * The contract of {@code bpmn/operation-task-review.bpmn}, called by the lifecycle with the task id as business
 * key. It routes the review ({@code dmn/review-routing.dmn}), asks one or two levels of reviewers and returns a
 * {@link ReviewOutcome}.
 */
public final class ReviewProcess {

    public static final String KEY = "operation-task-review";
    public static final String FORM_KEY = "operation-task-review-form";

    private ReviewProcess() {
    }

    public enum Element {
        START_REVIEW_REQUESTED("start_review_requested"),
        SERVICE_ROUTE_REVIEW("service_route_review"),
        GATEWAY_REVIEW_LEVELS("gateway_review_levels"),
        SUBPROCESS_REVIEW("subprocess_review"),
        USER_TASK_REVIEW("user_task_review"),
        GATEWAY_FIRST_LEVEL_APPROVED("gateway_first_level_approved"),
        GATEWAY_SECOND_LEVEL_NEEDED("gateway_second_level_needed"),
        USER_TASK_SENIOR_REVIEW("user_task_senior_review"),
        GATEWAY_SECOND_LEVEL_APPROVED("gateway_second_level_approved"),
        BOUNDARY_REVIEW_TIMEOUT("boundary_review_timeout"),
        END_APPROVED("end_approved"),
        END_APPROVED_WITHOUT_REVIEW("end_approved_without_review"),
        END_REJECTED("end_rejected"),
        END_TIMED_OUT("end_timed_out");

        private final String id;

        Element(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
