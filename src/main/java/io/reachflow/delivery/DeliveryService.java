package io.reachflow.delivery;

import io.reachflow.audience.AudienceResolver;
import io.reachflow.delivery.channels.ChannelAdapter;
import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.ProviderChannel.HandOver;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.system.AfterCommit;
import io.reachflow.system.Database;
import io.reachflow.system.SqlQuery;
import io.reachflow.system.Staff;
import io.reachflow.task.Channel;
import io.reachflow.task.CompletionReason;
import io.reachflow.task.FrequencyCap;
import io.reachflow.task.OperationTask;
import io.reachflow.task.OperationTaskRepository;
import io.reachflow.task.PushType;
import io.reachflow.task.TaskDefinition;
import io.reachflow.task.TaskNotFoundException;
import io.reachflow.task.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one delivery path for test rounds and live pushes: snapshot the recipients, record who must not get it
 * and why, render per recipient, hand to the channel, record each recipient's outcome once.
 *
 * <p>A live push runs in steps, each in the engine job that asks for it (see {@code operation-task-delivery.bpmn}):
 * {@link #planLive} snapshots the audience numbered into batches; {@link #deliverBatch} delivers one batch;
 * {@link #finish} counts the outcomes. A batch only takes recipients still PLANNED: a retried job never records a
 * recipient twice (the primary key is push id + user id). On a channel written in the database (IN_APP, the
 * outbox) the recipients' outcomes and the channel's writes commit with their batch's job, or not at all; through
 * a provider, see {@link ProviderDelivery}. A test round (a handful of testers) is one batch, in one job.
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);
    /** A push of at least this many recipients has the database's statistics brought up to date once planned. */
    private static final int ANALYZE_FROM = 10_000;
    private final OperationTaskRepository tasks;
    private final PushRepository pushes;
    private final AudienceResolver audiences;
    private final PushRecipients recipients;
    private final List<ChannelAdapter> channels;
    private final ChannelRoutes routes;
    private final ProviderDelivery providerDelivery;
    private final JdbcTemplate jdbc;
    private final Database database;
    private final DeliveryProperties properties;
    private final DeliveryMetrics metrics;
    private final TransactionTemplate newTransaction;
    private final Staff staff;
    private final Clock clock;

    DeliveryService(OperationTaskRepository tasks, PushRepository pushes, AudienceResolver audiences,
                    PushRecipients recipients, List<ChannelAdapter> channels, ChannelRoutes routes,
                    ProviderDelivery providerDelivery, JdbcTemplate jdbc, Database database,
                    DeliveryProperties properties, DeliveryMetrics metrics, PlatformTransactionManager transactions,
                    Staff staff, Clock clock) {
        this.tasks = tasks;
        this.pushes = pushes;
        this.audiences = audiences;
        this.recipients = recipients;
        this.channels = channels;
        this.routes = routes;
        this.providerDelivery = providerDelivery;
        this.jdbc = jdbc;
        this.database = database;
        this.properties = properties;
        this.metrics = metrics;
        this.newTransaction = new TransactionTemplate(transactions);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.staff = staff;
        this.clock = clock;
    }

    /** Sends the task's current content to each of its testers through its channel. */
    @Transactional
    public Push sendTestRound(long taskId) {
        OperationTask task = task(taskId);
        Push push = pushes.save(Push.start(task, PushKind.TEST, PushTrigger.TEST, clock.instant()));
        if (task.isDeleted()) {
            // deleted while its round waited (the lifecycle of a model before deletion ended every path): nobody
            // asks for it any more
            log.info("Task {} was deleted: its test round {} is not sent", taskId, push.getId());
            return finish(push, task, counts(push.getId()), PushStatus.CANCELLED, "TASK_DELETED");
        }
        Timestamp now = Timestamp.from(clock.instant());
        // a task saved before a tester named twice was one still has the name twice: one recipient each
        List<String> testers = TaskDefinition.distinctTesters(task.getTesters());
        // the round is delivered in this transaction: an erasure of a tester (DELETE /api/users/{id}) that comes
        // meanwhile waits for it, and then finds the tester's message to delete, rather than miss it
        if (!testers.isEmpty()) {
            jdbc.queryForList("select id from audience_user where id in (" + String.join(", ",
                    Collections.nCopies(testers.size(), "?")) + ") " + database.forShare(), String.class,
                    testers.toArray());
        }
        jdbc.batchUpdate("insert into push_recipient (push_id, user_id, status, updated_at) values (?, ?, 'PLANNED', ?)",
                testers, testers.size(), (statement, tester) -> {
                    statement.setLong(1, push.getId());
                    statement.setString(2, tester);
                    statement.setTimestamp(3, now);
                });
        // A tester is staff (a user of the identity service), never a customer's profile
        List<String> notStaff = staff.outside(testers);
        if (!notStaff.isEmpty()) {
            markWhere(push, RecipientStatus.FAILED, SkipReason.NOT_STAFF, "user_id in ("
                    + String.join(", ", Collections.nCopies(notStaff.size(), "?")) + ")", notStaff.toArray());
        }
        // A tester must be reached: what would be a skip for an audience is a failure of the test.
        markWhere(push, RecipientStatus.FAILED, SkipReason.UNKNOWN_USER,
                "not exists (select 1 from audience_user u where u.id = push_recipient.user_id)");
        excludeUnaddressable(push, RecipientStatus.FAILED);
        push.planned(1);
        // the testers may all have been removed since the round was asked for: then it reaches no one
        if (!task.getTesters().isEmpty()) {
            audiences.recordBatchRanges(push.getId());
            Batch round = recipients.batch(push.getId(), 0);
            Optional<ProviderChannel> provider = provider(task.getChannel());
            if (provider.isPresent()) {
                sendTestRound(push, task, round, provider.get());
            } else {
                deliver(push, task, round, null);
            }
        }
        return finish(push, task, counts(push.getId()), PushStatus.DELIVERED, null);
    }

    /**
     * Plans a live push of a running task for the delivery process {@code deliveryId}: the audience's snapshot,
     * numbered into batches of the configured size, and the recipients who must not get it marked SKIPPED with the
     * reason. A push of one batch on a channel written in the database is delivered at once ({@link #workersFor}).
     * The task stays locked meanwhile, so that a pause either comes first or finds the push and stops it
     * ({@link #pausePushes}).
     * <p>An operator may have stopped the task since the push was asked for. Paused: an operator's send (a MANUAL
     * task's push) is planned all the same and PAUSED, with no worker, as if the pause had come right after; the
     * resume takes it over ({@link #continuePaused}). Completed, or sent back to testing: the push is recorded
     * CANCELLED with the reason, none of its audience planned, and so is one asked for of an earlier
     * {@code revision} of the task (edited and approved again since: its plan failed, and was retried later). A
     * ONE_TIME task's push is neither (its own start sends it after the resume or the new approval), and a RECURRING
     * occurrence that a pause overtook is skipped, as missed occurrences are.
     * <p>A ONE_TIME task's push that a pause stopped mid-way goes on instead, with its recipients still PLANNED. One
     * being delivered, or delivered, already (a pause and resume came before the first start's plan, so both starts
     * plan) is named as this delivery's plan with no worker, so that its end reports it.
     */
    @Transactional
    public Optional<Plan> planLive(long taskId, String deliveryId, Integer revision) {
        // the task is read here first, locked: read before, its row's version could be stale by now
        OperationTask task = tasks.findLocked(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
        PushTrigger trigger = task.getPushType() == PushType.MANUAL ? PushTrigger.MANUAL : PushTrigger.SCHEDULE;
        boolean pausedSince = false;
        if (revision != null && revision != task.getRevision()) {
            // edited since the push was asked for (and maybe approved again, even paused again, while its plan failed
            // and waited for an admin's retry): what was asked for is not what is approved now
            callOff(task, trigger, "TASK_EDITED");
            return Optional.empty();
        }
        if (!stillSends(task)) {
            // an operator's send is held for the resume; a recurring occurrence is not (missed ones are skipped, and
            // the resume may come days later)
            if (task.getStatus() == TaskStatus.PAUSED && task.getPushType() == PushType.MANUAL) {
                pausedSince = true;
            } else if (task.getStatus() == TaskStatus.PAUSED || task.getPushType() == PushType.ONE_TIME) {
                log.info("Task {} is {}: its {} push is not planned now", taskId, task.getStatus(),
                        task.getPushType());
                return Optional.empty();
            } else {
                callOff(task, trigger, task.getStatus() == TaskStatus.COMPLETED ? "TASK_COMPLETED" : "TASK_EDITED");
                return Optional.empty();
            }
        }
        if (task.getPushType() == PushType.ONE_TIME) {
            Optional<Push> earlier = pushes.findLiveLocked(taskId,
                    List.of(PushStatus.PAUSED, PushStatus.DELIVERING, PushStatus.DELIVERED)).stream()
                    .filter(push -> push.getStatus() != PushStatus.DELIVERED
                            || push.getTaskRevision() == task.getRevision())
                    .findFirst();
            if (earlier.isPresent() && earlier.get().getStatus() == PushStatus.PAUSED) {
                return Optional.of(goOn(earlier.get(), task, deliveryId));
            }
            if (earlier.isPresent()) {
                // paused and resumed before its first start planned, so started twice: the other start's push is
                // this one. Named as this delivery's plan with no worker: when it is delivered already, this
                // delivery's end reports it to the lifecycle waiting for it; when not, the other delivery's end will.
                Push push = earlier.get();
                log.info("Task {}: its one-time push {} is {} already: delivery {} plans nothing", taskId,
                        push.getId(), push.getStatus(), deliveryId);
                return Optional.of(new Plan(push.getId(), push.getBatches(), 0));
            }
        }
        // plans of a channel follow one another: a frequency cap counts what the one before has yet to send
        jdbc.queryForList("select channel from channel_plan_lock where channel = ? for update", String.class,
                task.getChannel().name());
        Push push = Push.start(task, PushKind.LIVE, trigger, clock.instant());
        push.deliveredBy(deliveryId);
        push = pushes.save(push);
        Map<String, String> exclusions = new LinkedHashMap<>();
        exclusions.put(SkipReason.OPTED_OUT.name(), optedOut(task.getChannel(), "u.id"));
        String addressColumn = addressColumn(task.getChannel());
        if (addressColumn != null) {
            exclusions.put(SkipReason.NO_ADDRESS.name(), noAddress(addressColumn));
        }
        if (task.getPushType() == PushType.ONE_TIME) {
            // sent once per recipient, also when an earlier push of the task was called off part way
            exclusions.put(SkipReason.ALREADY_SENT.name(), "exists (select 1 from push_recipient d join push p "
                    + "on p.id = d.push_id where p.task_id = " + taskId + " and p.kind = 'LIVE' and d.user_id = u.id "
                    + "and d.status = 'DELIVERED')");
        }
        int batchSize = properties.batchSize(provider(task.getChannel()).isPresent());
        int targeted = audiences.plan(push.getId(), task.getAudience(), clock.instant(), batchSize, exclusions);
        FrequencyCap cap = task.getSchedule().frequencyCap();
        if (cap != null) {
            recipients.skipCapped(push.getId(), task.getChannel(), cap, clock.instant());
        }
        if (database.isPostgres() && targeted >= ANALYZE_FROM) {
            // Without statistics that know the new push, the planner misjudges how many rows a batch's range holds,
            // and so how to join their profiles (PushRecipients.takeDue). ANALYZE holds its lock
            // until the plan commits: skipped when another plan or a vacuum has it (that one brings them up to date).
            jdbc.execute("analyze (skip_locked) push_recipient");
        }
        Integer batches = jdbc.queryForObject("select count(*) from push_batch where push_id = ?", Integer.class,
                push.getId());
        push.planned(batches);
        log.info("Task {}: push {} ({}) targets {} on {}, in {} of up to {}", taskId, push.getId(), trigger,
                targeted == 1 ? "1 user" : targeted + " users", task.getChannel(),
                batches == 1 ? "1 batch" : batches + " batches", batchSize);
        if (pausedSince) {
            push.pause();
            log.info("Task {} was paused after its push {} was asked for: the push waits for the resume", taskId,
                    push.getId());
            return Optional.of(new Plan(push.getId(), batches, 0));
        }
        return Optional.of(workersFor(push, task));
    }

    /** Records a push asked for and overtaken before its plan as CANCELLED with {@code reason}, none planned. */
    private void callOff(OperationTask task, PushTrigger trigger, String reason) {
        Push push = pushes.save(Push.start(task, PushKind.LIVE, trigger, clock.instant()));
        log.info("Task {} is {} (revision {}): its push {} ({}) is called off before it started ({})", task.getId(),
                task.getStatus(), task.getRevision(), push.getId(), trigger, reason);
        finish(push, task, counts(push.getId()), PushStatus.CANCELLED, reason);
    }

    /**
     * Takes over, for the delivery process {@code deliveryId}, the task's push {@code pushId} that a pause stopped
     * mid-way: it goes on with its recipients still PLANNED. Nothing when the task no longer runs, or when the push
     * is no longer paused (completed, or taken over already).
     */
    @Transactional
    public Optional<Plan> continuePaused(long taskId, long pushId, String deliveryId) {
        OperationTask task = tasks.findLocked(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
        if (!stillSends(task)) {
            log.info("Task {} is {}: its paused push {} does not go on", taskId, task.getStatus(), pushId);
            return Optional.empty();
        }
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        if (push.getStatus() != PushStatus.PAUSED) {
            log.info("Task {}: push {} is {}, not paused: nothing to take over", taskId, pushId, push.getStatus());
            return Optional.empty();
        }
        return Optional.of(goOn(push, task, deliveryId));
    }

    private Plan goOn(Push push, OperationTask task, String deliveryId) {
        push.deliveredBy(deliveryId);
        // written now: the statements that follow read the push's status in SQL (PushRecipients.takeDue)
        pushes.flush();
        recheckAfterPause(push, task);
        log.info("Task {}: push {} goes on where the pause stopped it, in delivery {} (of its {} batches, those done "
                + "take nobody)", task.getId(), push.getId(), deliveryId, push.getBatches());
        return workersFor(push, task);
    }

    /**
     * A pause may have lasted days: the recipients of the push still to go are checked again, as when it was
     * planned, and whoever opted out of the channel, lost the address for it or reached the frequency cap meanwhile is
     * SKIPPED with that reason.
     */
    private void recheckAfterPause(Push push, OperationTask task) {
        markWhere(push, RecipientStatus.SKIPPED, SkipReason.OPTED_OUT,
                optedOut(task.getChannel(), "push_recipient.user_id"));
        excludeUnaddressable(push, RecipientStatus.SKIPPED);
        FrequencyCap cap = task.getSchedule().frequencyCap();
        if (cap != null) {
            recipients.skipCapped(push.getId(), task.getChannel(), cap, clock.instant());
        }
    }

    /**
     * Who delivers the planned push: up to one worker per batch; none when it is one batch on a channel written in
     * the database, delivered here at once, in the plan's transaction, as a worker's job would (a push to a few
     * users then costs one job rather than three). Recipients of that batch not due yet (send windows, the rate
     * limit) are left to a worker.
     */
    private Plan workersFor(Push push, OperationTask task) {
        int batches = push.getBatches();
        if (batches == 1 && provider(task.getChannel()).isEmpty()) {
            BatchResult result = metrics.batch(task.getChannel(), false,
                    () -> deliver(push, task, recipients.batch(push.getId(), 0), push.getDeliveryId()));
            if (result.left() == 0) {
                return new Plan(push.getId(), batches, 0);
            }
        }
        return new Plan(push.getId(), batches, Math.min(batches, properties.workers()));
    }

    /**
     * Whether a push asked for may still go out: the task runs, or it completed on its own (its schedule ended, a
     * one-time push went out) after the push was asked for. Not once an operator paused or completed it, nor after
     * an edit sent it back to testing.
     */
    private static boolean stillSends(OperationTask task) {
        return task.getStatus() == TaskStatus.RUNNING || (task.getStatus() == TaskStatus.COMPLETED
                && task.getCompletionReason() != CompletionReason.COMPLETED_BY_OPERATOR);
    }

    /**
     * Pauses the task's pushes that are being delivered (an operator paused it): their workers stop before their
     * next batch, a batch already handed to the channel completes, and the recipients not yet sent to stay PLANNED
     * for the resume ({@link #planLive}).
     */
    @Transactional
    public void pausePushes(long taskId) {
        for (Push push : pushes.findLiveLocked(taskId, List.of(PushStatus.DELIVERING))) {
            // no count here: it would read every recipient of the push in the operator's request
            push.pause();
            log.info("Task {}: push {} paused; its recipients not yet sent to wait for the resume", taskId,
                    push.getId());
        }
    }

    /**
     * Calls off the task's pushes that are being delivered or paused (an operator completed the task, or edited it
     * while paused): the recipients not yet sent to are CANCELLED with {@code reason}, and so are the pushes. A batch
     * written in the database holds its recipients' rows, so this waits for it and then cancels only what is left; a
     * provider's answers for the messages it has are recorded after (see {@link ProviderDelivery}); workers that
     * come later find their push stopped.
     */
    @Transactional
    public void stopPushes(long taskId, String reason) {
        for (Push push : pushes.findLiveLocked(taskId, List.of(PushStatus.DELIVERING, PushStatus.PAUSED))) {
            cancelRest(push, reason);
        }
    }

    /**
     * Calls off the task's pushes (its task was completed): a paused one at once, as {@link #stopPushes} does; one
     * being delivered is marked, so that its workers take no one more once this commits, and what is left of it is
     * then cancelled, in a transaction of its own. Cancelling it here would wait for the batches taking its
     * recipients, while workers that do not see the uncommitted stop go on starting new ones: a complete mid-push
     * waited for the whole push to be delivered. After the commit, it waits only for the batches already taking
     * recipients; the push's delivery does the same when its workers are done, whichever comes first, so a push
     * whose rest waits for a send window reads CANCELLED at once, not DELIVERING until the window opens.
     */
    @Transactional
    public void callOffPushes(long taskId, String reason) {
        boolean calledOff = false;
        for (Push push : pushes.findLiveLocked(taskId, List.of(PushStatus.DELIVERING, PushStatus.PAUSED))) {
            if (push.getStatus() == PushStatus.PAUSED) {
                cancelRest(push, reason);
            } else {
                push.callOff(reason);
                calledOff = true;
                log.info("Task {}: push {} called off ({}): its workers take no one more", taskId, push.getId(),
                        reason);
            }
        }
        if (calledOff) {
            AfterCommit.run(() -> cancelCalledOff(taskId));
        }
    }

    private void cancelCalledOff(long taskId) {
        try {
            newTransaction.executeWithoutResult(status -> {
                for (Push push : pushes.findLiveLocked(taskId, List.of(PushStatus.DELIVERING))) {
                    if (push.getCancelReason() != null) {
                        cancelRest(push, push.getCancelReason());
                    }
                }
            });
        } catch (RuntimeException e) {
            // the task is completed all the same
            log.warn("Task {}: what is left of its called-off pushes is not cancelled yet; their delivery does it "
                    + "when its workers stop", taskId, e);
        }
    }

    /** Whether the task has a push that a pause stopped mid-way, to go on after the resume. */
    @Transactional(readOnly = true)
    public boolean hasPausedPush(long taskId) {
        return pushes.existsLive(taskId, PushStatus.PAUSED);
    }

    /** The task's pushes that a pause stopped mid-way, oldest first, to go on after the resume. */
    @Transactional(readOnly = true)
    public List<Long> pausedPushes(long taskId) {
        return pushes.findLiveIds(taskId, PushStatus.PAUSED);
    }

    /**
     * Whether the delivery process {@code deliveryId} still delivers the push and sends more of it (not finished,
     * paused, called off or taken over).
     */
    @Transactional(readOnly = true)
    public boolean isDelivering(long pushId, String deliveryId) {
        return push(pushId).sendsFor(deliveryId);
    }

    /**
     * Delivers one batch of a planned push: its recipients still PLANNED (and due). Through a provider, each step
     * commits on its own (see {@link ProviderDelivery}), whatever becomes of the caller's transaction.
     */
    @Transactional
    public BatchResult deliverBatch(long pushId, int number, String deliveryId) {
        Push push = push(pushId);
        OperationTask task = task(push.getTaskId());
        Batch batch = recipients.batch(pushId, number);
        Optional<ProviderChannel> provider = provider(task.getChannel());
        if (provider.isPresent()) {
            return metrics.batch(task.getChannel(), true,
                    () -> providerDelivery.deliver(task, batch, provider.get(), deliveryId));
        }
        // the worker looked at the push before; a pause or complete since then is seen by the statement that takes
        // the batch's recipients (PushRecipients.takeDue), which then takes nobody
        return metrics.batch(task.getChannel(), false, () -> deliver(push, task, batch, deliveryId));
    }

    /**
     * Counts a push's outcomes once the workers of delivery {@code deliveryId} are done: DELIVERED when no recipient
     * is left; otherwise (the task stopped running meanwhile) those left are CANCELLED with the push's own reason
     * when it was called off ({@link #callOffPushes}), else {@code cancelReason}, and so is the push. Nothing when
     * the push is no longer that delivery's: paused, finished already, or taken over by the delivery of a resume.
     */
    @Transactional
    public Push finish(long pushId, String deliveryId, String cancelReason) {
        Push push = pushes.findLocked(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
        if (!push.isDeliveredBy(deliveryId)) {
            return push;
        }
        return cancelRest(push, push.getCancelReason() != null ? push.getCancelReason() : cancelReason);
    }

    /**
     * Cancels what is left of the push, and counts it. Counted first: a push whose batches left nothing PLANNED (the
     * usual end) is read once, not twice. Under the push's lock no recipient becomes PLANNED (only a provider's
     * record does that, and it takes the lock first); one a batch is taking still counts as PLANNED, and the update
     * then waits for that batch.
     */
    private Push cancelRest(Push push, String cancelReason) {
        long pushId = push.getId();
        RecipientCounts counts = counts(pushId);
        int cancelled = 0;
        if (counts.planned() > 0) {
            cancelled = jdbc.update("update push_recipient set status = 'CANCELLED', reason = ?, detail = null, "
                    + "updated_at = ? where push_id = ? and status = 'PLANNED'", cancelReason,
                    Timestamp.from(clock.instant()), pushId);
            counts = counts(pushId);
        }
        if (cancelled > 0) {
            log.info("Task {}: push {} cancelled ({}): {} recipients not sent to", push.getTaskId(), pushId,
                    cancelReason, cancelled);
        }
        // messages a provider has now are answered for later; the push was called off all the same
        return finish(push, task(push.getTaskId()), counts, cancelled > 0 || counts.sending() > 0
                ? PushStatus.CANCELLED : PushStatus.DELIVERED, cancelReason);
    }

    /** Counts of a push's recipients by status, and by reason for skips, failures and deferrals. */
    @Transactional(readOnly = true)
    public RecipientCounts counts(long pushId) {
        return recipients.counts(pushId);
    }

    /** The outcome per recipient of a push, for test rounds (a handful of testers). */
    @Transactional(readOnly = true)
    public List<RecipientOutcome> outcomes(long pushId) {
        return jdbc.query(OUTCOMES + " order by user_id", (row, i) -> outcome(row), pushId);
    }

    /**
     * A page of a push's recipients in user id order, those after {@code after} (null: from the first), with the
     * given status and reason where given: read along the push's primary key, so that a page costs the same at the
     * millionth recipient as at the first (a rare status or reason may read much of a large push to fill a page).
     */
    @Transactional(readOnly = true)
    public List<RecipientOutcome> recipients(long pushId, RecipientStatus status, String reason, String after,
                                             int size) {
        SqlQuery query = new SqlQuery(OUTCOMES, pushId)
                .and("status = ?", status == null ? null : status.name())
                .and("reason = ?", reason)
                .and("user_id > ?", after)
                .then("order by user_id limit ?", size);
        return jdbc.query(query.sql(), (row, i) -> outcome(row), query.arguments());
    }

    /** A push's recipients, as {@link #outcome} reads them. */
    private static final String OUTCOMES = "select user_id, status, reason, detail, updated_at from push_recipient "
            + "where push_id = ?";

    private static RecipientOutcome outcome(ResultSet row) throws SQLException {
        return new RecipientOutcome(row.getString(1), RecipientStatus.valueOf(row.getString(2)), row.getString(3),
                row.getString(4), row.getTimestamp(5).toInstant());
    }

    private void excludeUnaddressable(Push push, RecipientStatus as) {
        String addressColumn = addressColumn(push.getChannel());
        if (addressColumn != null) {
            markWhere(push, as, SkipReason.NO_ADDRESS, "exists (select 1 from audience_user u where u.id = "
                    + "push_recipient.user_id and " + noAddress(addressColumn) + ")");
        }
    }

    private void markWhere(Push push, RecipientStatus status, SkipReason reason, String condition,
                           Object... conditionParameters) {
        List<Object> parameters = new ArrayList<>(List.of(status.name(), reason.name(),
                Timestamp.from(clock.instant()), push.getId()));
        parameters.addAll(Arrays.asList(conditionParameters));
        int count = jdbc.update("update push_recipient set status = ?, reason = ?, detail = null, updated_at = ? "
                        + "where push_id = ? and status = 'PLANNED' and " + condition, parameters.toArray());
        if (count > 0) {
            log.debug("Push {}: {} recipients {} ({})", push.getId(), count, status, reason);
        }
    }

    /**
     * A batch on a channel written in the database, in the caller's transaction: its recipients that are due (see
     * {@link PushRecipients#holdBack}). Their rows stay locked until the outcomes commit: a complete waits for them,
     * never cancels them mid-way.
     */
    private BatchResult deliver(Push push, OperationTask task, Batch batch, String deliveryId) {
        Instant now = clock.instant();
        if (push.getKind() == PushKind.LIVE) {
            if (!recipients.stillDelivering(batch.pushId(), deliveryId)) {
                // paused, called off or taken over since the worker looked: no rate-limit grant taken for nothing,
                // and what is left is told as left (a plan would otherwise take its one batch for done)
                return recipients.result(batch, now, 0, 0, List.of());
            }
            recipients.holdBack(task, batch, now, false);
        }
        PushRecipients.Taken taken = recipients.takeDue(task, batch, now, deliveryId);
        List<RenderedMessage> messages = taken.messages();
        Map<String, Rejected> failures = messages.isEmpty() ? Map.of() : adapter(task.getChannel()).deliver(task.getId(),
                push.getId(), task.getChannel(), messages);
        recipients.record(taken, failures);
        log.debug("Task {}: push {} batch {}: {} delivered, {} failed", task.getId(), push.getId(), batch.number(),
                messages.size() - failures.size(), failures.size());
        return recipients.result(batch, now, messages.size() - failures.size(), failures.size(),
                List.of());
    }

    /**
     * A test round through a provider: every tester at once, in the round's transaction (a handful of requests),
     * for at most {@link DeliveryProperties#providerBatchTime()}, as a live batch: a slow provider must not keep the
     * round's job past its lock (another node would send the round again) nor the testers' rows locked for long.
     * A test round reports rather than retries: a temporary failure is the tester's failure, with its reason, and so
     * is a message not handed over in time.
     */
    private void sendTestRound(Push push, OperationTask task, Batch round, ProviderChannel provider) {
        PushRecipients.Taken taken = recipients.takeDue(task, round, clock.instant(), null);
        List<RenderedMessage> messages = taken.messages();
        Map<String, SendOutcome> outcomes = provider.send(task.getId(), push.getId(), messages,
                new HandOver(clock.instant().plus(properties.providerBatchTime()), () -> true));
        long handed = outcomes.values().stream().filter(Delivered.class::isInstance).count();
        // the round is recorded with its job's transaction, which may yet roll back (a race lost to a deletion)
        AfterCommit.onRollback(() -> log.warn("Task {}: TEST push {} rolled back after {} took {} message(s) of it: "
                + "should its job be tried again, a tester may get the round twice", task.getId(), push.getId(),
                provider.channel(), handed));
        Map<String, Rejected> failures = new LinkedHashMap<>();
        for (RenderedMessage message : messages) {
            SendOutcome outcome = outcomes.get(message.userId());
            if (outcome instanceof Rejected rejected) {
                failures.put(message.userId(), rejected);
            } else if (outcome instanceof Deferred deferred) {
                failures.put(message.userId(), new Rejected(deferred.reason(), "a temporary failure, not retried in a "
                        + "test round" + (deferred.detail() == null ? "" : ": " + deferred.detail())));
            } else if (outcome == null) {
                failures.put(message.userId(), new Rejected("NOT_SENT", provider.channel()
                        + " was not taking messages, or took too long for the round ("
                        + properties.providerBatchTime().toSeconds() + " s)"));
            }
        }
        recipients.record(taken, failures);
    }

    private Push finish(Push push, OperationTask task, RecipientCounts counts, PushStatus outcome,
                        String cancelReason) {
        push.finish(counts, outcome, cancelReason, clock.instant());
        pushes.save(push);
        metrics.finished(push, counts, outcome);
        // failures and skips by reason, never a recipient's detail; a test round that did not reach a tester is
        // worth a warning, and so is a live push that reached nobody it was sent to; otherwise failures are counts
        boolean warn = counts.failed() > 0 && (push.getKind() == PushKind.TEST || counts.delivered() == 0);
        Duration took = Duration.between(push.getCreatedAt(), push.getFinishedAt());
        Object[] line = {task.getId(), push.getKind(), push.getId(),
                outcome == PushStatus.DELIVERED ? "done" : "cancelled",
                routes.toOutbox(push.getChannel()) ? " (" + push.getChannel() + " into the local outbox)" : "",
                counts.total(), counts.delivered(), counts.failed(),
                counts.failedByReason().isEmpty() ? "" : " " + counts.failedByReason(), counts.skipped(),
                counts.skippedByReason().isEmpty() ? "" : " " + counts.skippedByReason(), took(took)};
        // once it is so: a round whose job lost a race with the lifecycle is rolled back, and done again
        AfterCommit.run(() -> log.atLevel(warn ? Level.WARN : Level.INFO)
                .log("Task {}: {} push {} {}{}: {} targeted, {} delivered, {} failed{}, {} skipped{}, in {}", line));
        return push;
    }

    /** "850 ms", "12.3 s", "4 min 10 s": how long a push took, from its start to its end (waits included). */
    private static String took(Duration took) {
        if (took.toMillis() < 1_000) {
            return took.toMillis() + " ms";
        }
        if (took.toSeconds() < 60) {
            return String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1_000.0);
        }
        return took.toMinutes() + " min " + took.toSecondsPart() + " s";
    }

    /** The channel's provider, when one is configured; otherwise the channel is written in the database. */
    private Optional<ProviderChannel> provider(Channel channel) {
        return routes.provider(channel);
    }

    private ChannelAdapter adapter(Channel channel) {
        return channels.stream().filter(adapter -> adapter.handles(channel)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No channel adapter for " + channel));
    }

    /** The user whose id is {@code userId} (a column) opted out of the channel (SQL). */
    static String optedOut(Channel channel, String userId) {
        return "exists (select 1 from audience_user_opt_out o where o.user_id = " + userId + " and o.channel = '"
                + channel.name() + "')";
    }

    /** The user {@code u} has nothing in the address column (SQL). */
    static String noAddress(String addressColumn) {
        return "(u." + addressColumn + " is null or u." + addressColumn + " = '')";
    }

    /** The profile column a channel sends to; null where the user id is address enough. */
    static String addressColumn(Channel channel) {
        return switch (channel) {
            case EMAIL -> "email";
            case SMS -> "phone";
            case PUSH -> "push_token";
            case IN_APP, WEBHOOK -> null;
        };
    }

    private Push push(long pushId) {
        return pushes.findById(pushId).orElseThrow(() -> new IllegalStateException("No push " + pushId));
    }

    private OperationTask task(long taskId) {
        return tasks.findById(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
    }

    /**
     * A recipient's outcome: {@code reason} why it was skipped, failed, cancelled or waits (a code, shared by all
     * recipients it befell), {@code detail} what the provider said about this recipient, when it said more.
     */
    public record RecipientOutcome(String userId, RecipientStatus status, String reason, String detail, Instant at) {
    }

    /** A planned live push: its id, its batches, and how many workers should deliver them (0 when none). */
    public record Plan(long pushId, int batches, int workers) {
    }
}
