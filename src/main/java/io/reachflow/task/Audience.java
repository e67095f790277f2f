package io.reachflow.task;

import io.reachflow.system.NoNulls;
import io.reachflow.system.UserId;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Who a task targets. {@code TAGS} means users having any of {@code tags}; {@code excludeTags} removes users
 * having any of those, whatever the type.
 */
public record Audience(
        @NotNull AudienceType type,
        @Size(max = 100) List<@Size(min = 1, max = 64) String> tags,
        @Size(max = 10_000) List<@Size(min = 1) @UserId String> users,
        @Size(max = 100) List<@Size(min = 1, max = 64) String> excludeTags) {

    public Audience {
        tags = NoNulls.copy("tags", tags);
        users = NoNulls.copy("users", users);
        excludeTags = NoNulls.copy("excludeTags", excludeTags);
    }
}
