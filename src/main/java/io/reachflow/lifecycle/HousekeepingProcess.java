package io.reachflow.lifecycle;

import java.time.Duration;
import org.camunda.bpm.engine.delegate.VariableScope;

/**
 * The contract of {@code bpmn/reachflow-housekeeping.bpmn}: started by its timer every day, it prunes the recipient
 * rows of old pushes a round at a time, then the old inbox and outbox messages, then forgets old idempotency keys.
 * Each round takes about {@link #ROUND}, well under the job lock's five minutes, so that no other node takes its job
 * over meanwhile; the process loops while work is left.
 */
public final class HousekeepingProcess {

    public static final String KEY = "reachflow-housekeeping";
    /** How long one round of pruning takes at most. */
    public static final Duration ROUND = Duration.ofMinutes(2);

    /** Whether pushes are left whose recipients are to be pruned: the gateway loops while they are. */
    public static final String MORE_PUSHES = "morePushesToPrune";
    /** The push the last round stopped after: the next round goes on from there. */
    public static final String PRUNE_AFTER = "pruneAfter";
    /** Whether old messages are left to delete. */
    public static final String MORE_MESSAGES = "moreMessagesToPrune";

    /** The model's element ids that code and tests use. */
    public enum Element {
        SERVICE_PRUNE_RECIPIENTS("service_prune_recipients"),
        GATEWAY_MORE("gateway_more"),
        SERVICE_PRUNE_MESSAGES("service_prune_messages");

        private final String id;

        Element(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private HousekeepingProcess() {
    }

    /** The push the last round of pruning stopped after; 0 before the first. */
    public static long pruneAfter(VariableScope scope) {
        Object after = scope.getVariable(PRUNE_AFTER);
        return after == null ? 0 : ((Number) after).longValue();
    }

    /** What a round of pruning recipients left: whether pushes are left, and the last one it pruned. */
    public static void setPruned(VariableScope scope, boolean more, long after) {
        scope.setVariable(MORE_PUSHES, more);
        scope.setVariable(PRUNE_AFTER, after);
    }

    /** Whether a round of deleting messages left some. */
    public static void setMessagesLeft(VariableScope scope, boolean more) {
        scope.setVariable(MORE_MESSAGES, more);
    }
}
