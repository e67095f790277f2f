package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Deliveries;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.PushType;
import io.reachflow.task.Schedule;
import io.reachflow.task.TaskAction;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statement that takes a batch checks, itself, that the push is still this delivery's: what a pause, complete or
 * takeover committed between a batch's earlier checks and its take is seen there. (The batch looks first too, before
 * its rate limit, so the delivery paths never reach this check with a stopped push.)
 */
@ReachflowSpringTest
class TakeDueTest {

    @Autowired
    Deliveries deliveries;

    @Autowired
    Fixtures fixtures;

    @Autowired
    PushRecipients recipients;

    @Autowired
    OperationTaskRepository tasks;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    Clock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Engine engine;

    @Autowired
    DeliveryService delivery;

    @Test
    void takesTheBatchOnlyForTheDeliveryThatStillDeliversThePush() {
        OperationTask task = deliveries.sentToBatchJobs(deliveries.audienceOf(5), PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        Push push = deliveries.livePush(task);
        String deliveryId = push.getDeliveryId();

        assertThat(taken(task, push, deliveryId)).as("its delivery, rolled back").hasSize(2);
        assertThat(taken(task, push, "another-delivery")).as("a delivery that was taken over").isEmpty();
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.PAUSE, null);
        assertThat(taken(task, push, deliveryId)).as("after a pause").isEmpty();
    }

    /**
     * A plan that read a profile before its erasure committed still lists the user: the take finds the profile gone
     * and records the row SKIPPED USER_DELETED, where it would have counted it delivered with no message.
     */
    @Test
    void aRecipientDeletedAfterThePlanIsSkippedNotCountedDelivered() {
        List<String> audience = deliveries.audienceOf(3);
        OperationTask task = deliveries.sentToBatchJobs(audience, PushType.MANUAL, Channel.IN_APP,
                Schedule.immediately());
        Push push = deliveries.livePush(task);
        jdbc.update("delete from audience_user where id = ?", audience.get(0));

        engine.runDueJobs(task.getId());

        assertThat(deliveries.livePush(task).getDelivered()).isEqualTo(2);
        assertThat(delivery.counts(push.getId()).skippedByReason()).containsExactly(Map.entry("USER_DELETED", 1L));
        assertThat(jdbc.queryForList("select user_id from inbox_message where push_id = ?", String.class,
                push.getId())).containsExactlyInAnyOrder(audience.get(1), audience.get(2));
    }

    /** What batch 0's take renders for {@code deliveryId}, in a transaction rolled back after it. */
    private List<String> taken(OperationTask task, Push push, String deliveryId) {
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        return transaction.execute(status -> {
            status.setRollbackOnly();
            OperationTask loaded = tasks.findById(task.getId()).orElseThrow();
            return recipients.takeDue(loaded, recipients.batch(push.getId(), 0), clock.instant(), deliveryId)
                    .messages().stream().map(message -> message.userId()).toList();
        });
    }
}
