package io.reachflow.task;

import jakarta.validation.constraints.NotNull;
import java.time.LocalTime;

/** A daily window, in the recipient's own time zone, in which sends may go out. */
public record SendWindow(@NotNull LocalTime from, @NotNull LocalTime to) {
}
