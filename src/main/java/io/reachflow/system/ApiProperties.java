package io.reachflow.system;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code reachflow.api}: how long a request's {@code Idempotency-Key} is kept ({@link IdempotentRequests}); sent
 * again within it, the request is answered as the first time. A minute at least: shorter, a retry would be done again.
 */
@Validated
@ConfigurationProperties("reachflow.api")
public record ApiProperties(@DefaultValue("24h") @NotNull @DurationMin(minutes = 1) Duration idempotencyKeysRetention) {
}
