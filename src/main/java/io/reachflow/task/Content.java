package io.reachflow.task;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What a task sends. {@code title} and {@code body} are templates: {@code {{name}}},
 * {@code {{attributes.city}}} and {@code {{name|there}}} (with a default) are filled from each recipient's
 * profile.
 */
public record Content(
        @Size(max = 200) String title,
        @NotBlank @Size(max = 4000) String body,
        @Size(max = 2048) String link) {
}
