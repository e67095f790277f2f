package io.reachflow.delivery.web;

import io.reachflow.delivery.DeliveryService;
import io.reachflow.delivery.DeliveryService.RecipientOutcome;
import io.reachflow.delivery.Push;
import io.reachflow.delivery.PushKind;
import io.reachflow.delivery.PushRepository;
import io.reachflow.delivery.PushStatus;
import io.reachflow.delivery.PushTrigger;
import io.reachflow.delivery.RecipientCounts;
import io.reachflow.delivery.RecipientStatus;
import io.reachflow.delivery.TestRoundResult;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.system.PageView;
import io.reachflow.task.Channel;
import io.reachflow.task.TaskQueries;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/tasks/{id}")
@Tag(name = "Pushes", description = "A task's test rounds and push history")
class PushController {

    private final TaskQueries queries;
    private final PushRepository pushes;
    private final DeliveryService delivery;
    private final Clock clock;
    private final LifecycleFacade lifecycle;

    PushController(TaskQueries queries, PushRepository pushes, DeliveryService delivery, Clock clock,
                   LifecycleFacade lifecycle) {
        this.queries = queries;
        this.pushes = pushes;
        this.delivery = delivery;
        this.clock = clock;
        this.lifecycle = lifecycle;
    }

    @GetMapping("/test-rounds")
    @Operation(summary = "The task's test rounds, newest first, each with its number (1 for the task's first), "
            + "its result (IN_PROGRESS, PASSED when it reached every tester, FAILED when it missed one) and each "
            + "tester's outcome")
    List<TestRoundView> testRounds(@PathVariable long id) {
        queries.requireExists(id);
        List<Push> rounds = pushes.findByTaskIdAndKindOrderByIdDesc(id, PushKind.TEST);
        List<TestRoundView> views = new ArrayList<>(rounds.size());
        for (Push round : rounds) {
            List<RecipientOutcome> testers = delivery.outcomes(round.getId());
            views.add(new TestRoundView(round.getId(), rounds.size() - views.size(), round.getTaskRevision(),
                    round.getChannel(), round.getStatus(), TestRoundResult.of(testers), round.getCreatedAt(),
                    round.getFinishedAt(), testers));
        }
        return views;
    }

    @GetMapping("/pushes")
    @Operation(summary = "The task's push history, newest first, a page at a time: trigger, times, status and counts "
            + "of each push (a RECURRING task has one per occurrence)")
    PageView<PushView> pushes(@PathVariable long id,
                              @RequestParam(defaultValue = "0") @Min(0) int page,
                              @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        queries.requireExists(id);
        PageView.requireReachable(page, size);
        return PageView.of(pushes.findPage(id, PushKind.LIVE, PageRequest.of(page, size)), this::view);
    }

    @GetMapping("/pushes/{pushId}/recipients")
    @Operation(summary = "A push's recipients with their status, reason and the provider's detail, in user id order, "
            + "a page at a time: filter by status and reason (e.g. status=FAILED&reason=HTTP%20400 to see who failed "
            + "that way), and ask for the next page with after=<next of this one>")
    RecipientPage recipients(@PathVariable long id, @PathVariable long pushId,
                             @RequestParam(required = false) RecipientStatus status,
                             @RequestParam(required = false) @Size(max = 255) String reason,
                             @RequestParam(required = false) @Size(max = 255) String after,
                             @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int size) {
        queries.requireExists(id);
        Push push = pushes.findById(pushId).filter(found -> found.getTaskId() == id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "Task " + id + " has no push " + pushId));
        if (push.getRecipientsPrunedAt() != null) {
            throw new ResponseStatusException(HttpStatus.GONE, "The recipients of push " + pushId + " were deleted on "
                    + push.getRecipientsPrunedAt() + ", after the retention (reachflow.delivery.recipients-retention); "
                    + "its counts are kept");
        }
        List<RecipientOutcome> page = delivery.recipients(push.getId(), status, reason, after, size);
        return new RecipientPage(page, page.size() < size ? null : page.get(page.size() - 1).userId());
    }

    private PushView view(Push push) {
        // a finished push's counts were kept with it: its history is not counted again from its recipients
        RecipientCounts counts = push.finalCounts().orElseGet(() -> delivery.counts(push.getId()));
        long sent = counts.delivered() + counts.failed();
        return new PushView(push.getId(), push.getTriggeredBy(), push.getChannel(), push.getTaskRevision(),
                push.getStatus(), push.getCancelReason(), push.getCreatedAt(), push.getFinishedAt(), counts.total(),
                counts.total() - counts.skipped(), sent, counts.delivered(), counts.failed(), counts.skipped(),
                counts.remaining(), counts.cancelled(), percentDone(push, counts), ratePerSecond(push, sent),
                counts.skippedByReason(),
                counts.failedByReason(), counts.deferredByReason(), push.getOpened(), push.getClicked(),
                push.getConverted(),
                push.getRecipientsPrunedAt(), incidents(push));
    }

    /** The open incidents of the delivery that delivers the push: jobs stuck until an admin retries them. */
    private long incidents(Push push) {
        if (push.getStatus() != PushStatus.DELIVERING || push.getDeliveryId() == null) {
            return 0;
        }
        return lifecycle.openIncidents(push.getDeliveryId());
    }

    /** The share of its recipients a push is done with (sent to, skipped or cancelled), in percent, to a tenth. */
    private static double percentDone(Push push, RecipientCounts counts) {
        if (counts.total() == 0) {
            return push.getFinishedAt() != null ? 100 : 0;
        }
        return Math.floor((counts.total() - counts.remaining()) * 1000.0 / counts.total()) / 10.0;
    }

    /** Recipients sent to per second, from the push's start to its end (or now, while it runs). */
    private double ratePerSecond(Push push, long sent) {
        Instant end = push.getFinishedAt() != null ? push.getFinishedAt() : clock.instant();
        double seconds = Duration.between(push.getCreatedAt(), end).toMillis() / 1000.0;
        return seconds <= 0 ? 0 : Math.round(sent / seconds * 10) / 10.0;
    }

    /**
     * Recipients in user id order; {@code next} is the {@code after} of the next page, absent when this page is not
     * full (there are no more).
     */
    record RecipientPage(List<RecipientOutcome> items, String next) {
    }

    /**
     * A test round: {@code number} counts the task's rounds from 1, {@code status} is its run's ({@code DELIVERED}
     * once every tester was sent to, whatever the outcome), {@code result} what it showed.
     */
    record TestRoundView(long id, int number, int taskRevision, Channel channel, PushStatus status,
                         TestRoundResult result, Instant createdAt, Instant finishedAt,
                         List<RecipientOutcome> testers) {
    }

    /**
     * A push and its progress: {@code remaining} are recipients not sent to yet (planned, or with a provider that has
     * not answered), {@code cancelled} those called off before they were sent to (the task was completed, or edited
     * while paused; {@code cancelReason} says which), {@code deferredByReason} why those planned wait, when they do
     * (a provider's temporary failure, a send window, a do-not-disturb day, the rate limit), {@code ratePerSecond} the
     * recipients sent to per second so far, {@code recipientsPrunedAt} when its recipients' rows were deleted after
     * the retention (its counts stay), {@code percentDone} the share of its recipients it is done with (sent to,
     * skipped or cancelled: all but {@code remaining}), {@code incidents} how many of its delivery's jobs (mostly
     * batches) are stuck,
     * failed through all their retries ({@code …/incidents} says where and why; an admin retries them in Cockpit).
     */
    record PushView(long id, PushTrigger trigger, Channel channel, int taskRevision, PushStatus status,
                    String cancelReason, Instant createdAt, Instant finishedAt, long targeted, long planned, long sent,
                    long delivered, long failed, long skipped, long remaining, long cancelled, double percentDone,
                    double ratePerSecond, Map<String, Long> skippedByReason, Map<String, Long> failedByReason,
                    Map<String, Long> deferredByReason, long opened, long clicked, long converted,
                    Instant recipientsPrunedAt, long incidents) {
    }
}
