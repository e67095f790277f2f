package io.reachflow.task;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Duration;

/** The conversion target: the share of reached users who do {@code event} within {@code window} (up to P90D). */
public record Conversion(
        @NotBlank @Size(max = 128) String event,
        Duration window,
        @DecimalMin("0") @DecimalMax("1") BigDecimal targetRate) {
}
