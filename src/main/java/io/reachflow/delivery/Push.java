package io.reachflow.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import io.reachflow.task.Channel;
import io.reachflow.task.JsonColumn;
import io.reachflow.task.OperationTask;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One delivery run of a task (or one test round): when, why, for which revision, and its counts. */
@Entity
@Table(name = "push")
public class Push {

    /** Distinct reasons (of at most 255 characters each) that the push's final counts keep, within their column. */
    private static final int MAX_KEPT_REASONS = 1000;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    private Long taskId;

    @Enumerated(EnumType.STRING)
    private PushKind kind;

    @Enumerated(EnumType.STRING)
    private PushTrigger triggeredBy;

    @Enumerated(EnumType.STRING)
    private Channel channel;

    private int taskRevision;

    @Enumerated(EnumType.STRING)
    private PushStatus status;

    private String cancelReason;

    /** The delivery process instance that delivers the push now; null for a test round. */
    private String deliveryId;

    private Instant createdAt;
    private Instant finishedAt;

    private long targeted;
    private long planned;
    private long sent;
    private long delivered;
    private long failed;
    private long skipped;
    private long opened;
    private long clicked;
    private long converted;
    private int batches;

    /** The counts by status and reason once finished; null before, or when its reasons were too many to keep. */
    @Convert(converter = FinalCountsColumn.class)
    private RecipientCounts finalCounts;

    /** When its recipient rows were deleted after the retention ({@link RecipientRetention}); null while kept. */
    private Instant recipientsPrunedAt;

    protected Push() {
    }

    static Push start(OperationTask task, PushKind kind, PushTrigger trigger, Instant now) {
        Push push = new Push();
        push.taskId = task.getId();
        push.kind = kind;
        push.triggeredBy = trigger;
        push.channel = task.getChannel();
        push.taskRevision = task.getRevision();
        push.status = PushStatus.DELIVERING;
        push.createdAt = now;
        return push;
    }

    /** The delivery process instance {@code deliveryId} delivers the push from now on. */
    void deliveredBy(String deliveryId) {
        this.deliveryId = deliveryId;
        status = PushStatus.DELIVERING;
    }

    /** Stopped by a pause: its recipients not yet sent to wait for the resume. */
    void pause() {
        status = PushStatus.PAUSED;
    }

    /** Whether {@code deliveryId} is the delivery that delivers the push now (called off or not). */
    boolean isDeliveredBy(String deliveryId) {
        return status == PushStatus.DELIVERING && Objects.equals(this.deliveryId, deliveryId);
    }

    /** Whether {@code deliveryId} delivers the push and may send more of it: not called off. */
    boolean sendsFor(String deliveryId) {
        return isDeliveredBy(deliveryId) && cancelReason == null;
    }

    /**
     * Called off while being delivered (its task completed), for {@code reason}: its workers take no one more, and
     * what is left is cancelled once the batches that hold recipients are done ({@link DeliveryService}).
     */
    void callOff(String reason) {
        cancelReason = reason;
    }

    /** The recipients are planned, in this many batches. */
    void planned(int batchCount) {
        batches = batchCount;
    }

    /**
     * Every batch is done ({@code DELIVERED}), or the rest was called off ({@code CANCELLED}, with the reason): the
     * final counts.
     */
    void finish(RecipientCounts counts, PushStatus outcome, String reason, Instant now) {
        status = outcome;
        cancelReason = outcome == PushStatus.CANCELLED ? reason : null;
        finishedAt = now;
        recount(counts);
    }

    /**
     * The counts again: a provider answered for messages it had when the push was stopped. Kept whole, reasons
     * included, for the push's history to be read without counting its recipients again.
     */
    void recount(RecipientCounts counts) {
        targeted = counts.total();
        skipped = counts.skipped();
        planned = targeted - skipped;
        delivered = counts.delivered();
        failed = counts.failed();
        sent = delivered + failed;
        int reasons = counts.skippedByReason().size() + counts.failedByReason().size()
                + counts.deferredByReason().size();
        finalCounts = reasons <= MAX_KEPT_REASONS ? counts : null;
    }

    /** Its counts by status and reason, when it is finished and they were kept ({@link #recount}). */
    public Optional<RecipientCounts> finalCounts() {
        return status == PushStatus.DELIVERED || status == PushStatus.CANCELLED
                ? Optional.ofNullable(finalCounts) : Optional.empty();
    }

    public Long getId() {
        return id;
    }

    public Long getTaskId() {
        return taskId;
    }

    public PushKind getKind() {
        return kind;
    }

    public PushTrigger getTriggeredBy() {
        return triggeredBy;
    }

    public Channel getChannel() {
        return channel;
    }

    public int getTaskRevision() {
        return taskRevision;
    }

    public PushStatus getStatus() {
        return status;
    }

    /** Why the rest of the push was called off: set when CANCELLED, or while its delivery winds down (DELIVERING). */
    public String getCancelReason() {
        return cancelReason;
    }

    public String getDeliveryId() {
        return deliveryId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public Instant getRecipientsPrunedAt() {
        return recipientsPrunedAt;
    }

    public long getTargeted() {
        return targeted;
    }

    public long getPlanned() {
        return planned;
    }

    public long getSent() {
        return sent;
    }

    public long getDelivered() {
        return delivered;
    }

    public long getFailed() {
        return failed;
    }

    public long getSkipped() {
        return skipped;
    }

    public long getOpened() {
        return opened;
    }

    public long getClicked() {
        return clicked;
    }

    public long getConverted() {
        return converted;
    }

    public int getBatches() {
        return batches;
    }

    /** A push's final counts as JSON. */
    public static final class FinalCountsColumn extends JsonColumn<RecipientCounts> {
        public FinalCountsColumn() {
            super(new TypeReference<>() { });
        }
    }
}
