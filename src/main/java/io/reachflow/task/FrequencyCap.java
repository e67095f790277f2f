package io.reachflow.task;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** At most {@code max} messages per recipient within {@code period}, across all tasks of the channel. */
public record FrequencyCap(@NotNull @Min(1) Integer max, @NotNull Duration period) {

    /** The longest period a cap may count over: the deliveries it reads when a push is planned are this recent. */
    public static final Duration LONGEST_PERIOD = Duration.ofDays(30);
}
