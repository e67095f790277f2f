package io.reachflow.delivery;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a live push is cut up: {@code batchSize} recipients per batch (one engine job each), delivered by at most
 * {@code workers} jobs of a push at a time (across all nodes). More workers deliver faster on more nodes; each is
 * an execution of the push's delivery process.
 */
@Validated
@ConfigurationProperties("reachflow.delivery")
public record DeliveryProperties(@DefaultValue("5000") @Min(1) @Max(100_000) int batchSize,
                                 @DefaultValue("8") @Min(1) @Max(64) int workers) {
}
