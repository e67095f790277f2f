package io.reachflow.lifecycle;

/**
 * The contract of {@code bpmn/operation-task-lifecycle.bpmn}: its key, the messages it waits for and the ids of
 * the elements that code and tests refer to. One process instance per task; business key = task id.
 */
public final class LifecycleProcess {

    public static final String KEY = "operation-task-lifecycle";

    /** Sent by a finished delivery; a ONE_TIME task's lifecycle waits for it to complete the task. */
    public static final String MESSAGE_PUSH_DELIVERED = "PushDelivered";

    /** Thrown when starting a push if a one-time push would go out later than the task's grace allows. */
    public static final String ERROR_SEND_EXPIRED = "SEND_EXPIRED";

    private LifecycleProcess() {
    }

    /** The messages operators send to a task's process; each is only waited for where the action is allowed. */
    public enum Message {
        TEST_REQUESTED("TaskTestRequested"),
        SUBMITTED("TaskSubmitted"),
        DELETED("TaskDeleted"),
        WITHDRAWN("TaskWithdrawn"),
        PAUSED("TaskPaused"),
        RESUMED("TaskResumed"),
        COMPLETED("TaskCompleted"),
        REOPENED("TaskReopened"),
        SEND_REQUESTED("TaskSendRequested");

        private final String messageName;

        Message(String messageName) {
            this.messageName = messageName;
        }

        public String messageName() {
            return messageName;
        }
    }

    /** Element ids of the model. */
    public enum Element {
        START_TASK_CREATED("start_task_created"),
        /** DRAFT: waits for the first test request. */
        RECEIVE_DRAFT("receive_draft"),
        GATEWAY_FIRST_TEST("gateway_first_test"),
        BOUNDARY_DRAFT_DELETED("boundary_draft_deleted"),
        /** TESTING: waits for the submission; test requests (retests) arrive on a boundary event. */
        RECEIVE_PREPARE("receive_prepare"),
        BOUNDARY_TEST_REQUESTED("boundary_test_requested"),
        SERVICE_SEND_TEST_ROUND("service_send_test_round"),
        END_TEST_ROUND_SENT("end_test_round_sent"),
        SERVICE_CHECK_SUBMISSION("service_check_submission"),
        GATEWAY_SUBMISSION_PASSED("gateway_submission_passed"),
        BOUNDARY_DELETED("boundary_deleted"),
        END_DELETED("end_deleted"),
        CALL_REVIEW("call_review"),
        BOUNDARY_WITHDRAWN("boundary_withdrawn"),
        GATEWAY_REVIEW_OUTCOME("gateway_review_outcome"),
        SERVICE_START_RUNNING("service_start_running"),
        SERVICE_RECORD_REJECTION("service_record_rejection"),
        SERVICE_RECORD_REVIEW_TIMEOUT("service_record_review_timeout"),
        SUBPROCESS_RUNNING("subprocess_running"),
        SERVICE_CONTINUE_PAUSED_PUSH("service_continue_paused_push"),
        GATEWAY_PUSH_TYPE("gateway_push_type"),
        TIMER_SEND_AT("timer_send_at"),
        SERVICE_START_ONE_TIME_PUSH("service_start_one_time_push"),
        RECEIVE_PUSH_DELIVERED("receive_push_delivered"),
        GATEWAY_AWAIT_OCCURRENCE("gateway_await_occurrence"),
        TIMER_NEXT_OCCURRENCE("timer_next_occurrence"),
        TIMER_END_AT("timer_end_at"),
        SERVICE_START_OCCURRENCE("service_start_occurrence"),
        GATEWAY_MANUAL_MERGE("gateway_manual_merge"),
        RECEIVE_MANUAL_SENDS("receive_manual_sends"),
        GATEWAY_MANUAL_SEND("gateway_manual_send"),
        SERVICE_START_MANUAL_PUSH("service_start_manual_push"),
        TIMER_TRIGGER_WINDOW_END("timer_trigger_window_end"),
        BOUNDARY_PAUSED("boundary_paused"),
        BOUNDARY_COMPLETED("boundary_completed"),
        BOUNDARY_SEND_EXPIRED("boundary_send_expired"),
        SERVICE_EXPIRE_TASK("service_expire_task"),
        SERVICE_COMPLETE_TASK("service_complete_task"),
        /** PAUSED: whether the task ends by itself (RECURRING, TRIGGERED) while it waits. */
        GATEWAY_PAUSED_UNTIL("gateway_paused_until"),
        /** PAUSED (MANUAL, ONE_TIME): waits for the resume; complete and edit arrive on boundary events. */
        RECEIVE_PAUSED("receive_paused"),
        /** PAUSED (RECURRING, TRIGGERED): as {@link #RECEIVE_PAUSED}, and the end time completes the task. */
        RECEIVE_PAUSED_UNTIL_END("receive_paused_until_end"),
        BOUNDARY_PAUSED_END_TIME("boundary_paused_end_time"),
        BOUNDARY_PAUSED_COMPLETED("boundary_paused_completed"),
        BOUNDARY_REOPENED("boundary_reopened"),
        END_COMPLETED("end_completed"),
        END_COMPLETED_BY_OPERATOR("end_completed_by_operator"),
        END_EXPIRED("end_expired");

        private final String id;

        Element(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
