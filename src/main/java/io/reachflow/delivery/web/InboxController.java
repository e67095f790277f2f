package io.reachflow.delivery.web;

import io.reachflow.delivery.InboxService;
import io.reachflow.delivery.InboxService.InboxMessage;
import io.reachflow.delivery.InboxService.InboxPage;
import io.reachflow.delivery.InboxService.OutboxMessage;
import io.reachflow.system.PageView;
import io.reachflow.task.Channel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@Tag(name = "Inbox", description = "In-app messages, and the local outbox of the sandboxed channels")
class InboxController {

    private final InboxService inbox;

    InboxController(InboxService inbox) {
        this.inbox = inbox;
    }

    @GetMapping("/api/inbox/{userId}")
    @Operation(summary = "A user's in-app messages, newest first, a page at a time, with how many the user has "
            + "(total) and how many of them are unread (not opened yet); 404 for an id without a profile")
    InboxPage inbox(@PathVariable String userId,
                    @RequestParam(defaultValue = "0") @Min(0) int page,
                    @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        PageView.requireReachable(page, size);
        return inbox.inbox(userId, page, size).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No user with id " + userId));
    }

    @GetMapping("/api/inbox/{userId}/{messageId}")
    @Operation(summary = "Read one in-app message; the first read marks it opened")
    InboxMessage open(@PathVariable String userId, @PathVariable long messageId) {
        return inbox.open(userId, messageId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "User " + userId + " has no message " + messageId));
    }

    @GetMapping("/api/outbox")
    @Operation(summary = "Messages the sandboxed channels (PUSH, SMS, EMAIL, WEBHOOK) would have sent, newest first, "
            + "a page at a time")
    PageView<OutboxMessage> outbox(@RequestParam(required = false) Channel channel,
                                   @RequestParam(required = false) Long taskId,
                                   @RequestParam(required = false) String userId,
                                   @RequestParam(defaultValue = "0") @Min(0) int page,
                                   @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        PageView.requireReachable(page, size);
        return inbox.outbox(channel == null ? null : channel.name(), taskId, userId, page, size);
    }
}
