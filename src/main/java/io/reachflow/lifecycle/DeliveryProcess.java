package io.reachflow.lifecycle;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The contract of {@code bpmn/operation-task-delivery.bpmn}: one live push, started by the lifecycle (business
 * key = task id) and running on its own. Its variables: the push planned, how many batches it has, how many workers
 * deliver them, and each worker's next batch and, while it waits for recipients to be due, until when.
 */
public final class DeliveryProcess {

    public static final String KEY = "operation-task-delivery";

    static final String PUSH_ID = "pushId";
    static final String BATCH_COUNT = "batchCount";
    static final String WORKERS = "workers";
    /** A worker's next batch: its loop counter first, then that plus the number of workers, and so on. */
    static final String BATCH = "batch";
    /** Until when a worker waits for its batch's next recipients to be due; null when it does not wait. */
    static final String WAIT_UNTIL = "waitUntil";
    /** Set when the delivery is started to take over a push that a pause stopped mid-way, rather than plan one. */
    static final String PAUSED_PUSH_ID = "pausedPushId";
    /** The revision of the task whose push this delivery was started for: an edit since overtakes the push. */
    static final String TASK_REVISION = "taskRevision";

    private DeliveryProcess() {
    }

    public static void setPlan(VariableScope scope, long pushId, int batchCount, int workers) {
        scope.setVariable(PUSH_ID, pushId);
        scope.setVariable(BATCH_COUNT, batchCount);
        scope.setVariable(WORKERS, workers);
    }

    /** Nothing to deliver: the task no longer runs. No push, no workers. */
    public static void setNothingPlanned(VariableScope scope) {
        scope.setVariable(BATCH_COUNT, 0);
        scope.setVariable(WORKERS, 0);
    }

    /** The variables of a delivery that takes over the paused push {@code pushId} after a resume. */
    static Map<String, Object> continuing(long pushId) {
        return Map.of(PAUSED_PUSH_ID, pushId);
    }

    /** The variables of a delivery that plans a new push of the task's revision {@code revision}. */
    static Map<String, Object> planning(int revision) {
        return Map.of(TASK_REVISION, revision);
    }

    /**
     * The revision of the task the delivery was started for; empty for a delivery started before this variable was
     * (an earlier release's).
     */
    public static Optional<Integer> taskRevision(VariableScope scope) {
        return Optional.ofNullable((Integer) scope.getVariable(TASK_REVISION));
    }

    /** The paused push this delivery was started to take over; empty when it plans a new push. */
    public static Optional<Long> pausedPushId(VariableScope scope) {
        return Optional.ofNullable((Long) scope.getVariable(PAUSED_PUSH_ID));
    }

    /** The push this delivery planned, or null before it is planned or when nothing was. */
    public static Long pushId(VariableScope scope) {
        return (Long) scope.getVariable(PUSH_ID);
    }

    public static int batch(VariableScope scope) {
        return ((Number) scope.getVariable(BATCH)).intValue();
    }

    public static int batchCount(VariableScope scope) {
        return ((Number) scope.getVariable(BATCH_COUNT)).intValue();
    }

    /** Ends the worker: it takes no further batch, and waits for nothing. */
    public static void stopWorker(VariableScope scope) {
        clearWait(scope);
        scope.setVariable(BATCH, scope.getVariable(BATCH_COUNT));
    }

    /** The worker waits at its timer until {@code dueAt}, then delivers the same batch again. */
    public static void waitUntil(VariableScope scope, Instant dueAt) {
        scope.setVariable(WAIT_UNTIL, Date.from(dueAt));
    }

    /** The worker does not wait (any more). */
    public static void clearWait(VariableScope scope) {
        scope.setVariable(WAIT_UNTIL, null);
    }

    /** Moves the worker on to its next batch. */
    public static void advanceBatch(VariableScope scope) {
        scope.setVariable(BATCH, batch(scope) + ((Number) scope.getVariable(WORKERS)).intValue());
    }

    /** Element ids of the model. */
    public enum Element {
        SERVICE_PLAN_PUSH("service_plan_push"),
        SUBPROCESS_WORKER("subprocess_worker"),
        SERVICE_DELIVER_BATCH("service_deliver_batch"),
        TIMER_UNTIL_DUE("timer_until_due"),
        SERVICE_FINISH_PUSH("service_finish_push"),
        END_DELIVERED("end_delivered");

        private final String id;

        Element(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
