package io.reachflow.task;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;

/** The behaviour event that makes a TRIGGERED task send, after {@code delay} (up to P30D). */
public record Trigger(@NotBlank @Size(max = 128) String event, Duration delay) {
}
