package io.reachflow.audience;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** What {@code DELETE /api/users/{id}} erased with the profile. */
public record ErasedUser(
        String id,
        Instant erasedAt,
        @Schema(description = "How much of the user's data was erased with the profile, by kind",
                example = "{\"finishedPushRecipientRows\": 2, \"inboxMessages\": 3, \"outboxMessages\": 0, "
                        + "\"pendingSendsSkipped\": 1}")
        Map<String, Long> erased) {
}
