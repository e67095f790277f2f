package io.reachflow.lifecycle.delegates;

import io.reachflow.delivery.DeliveryProperties;
import org.springframework.stereotype.Component;

/**
 * The retry cycle of a delivery batch, {@code ${deliveryRetry.cycle}} in the model: configuration
 * ({@code reachflow.delivery.retry-cycle}), so that operators tune it without a new process version.
 */
@Component("deliveryRetry")
public class DeliveryRetry {

    private final DeliveryProperties properties;

    public DeliveryRetry(DeliveryProperties properties) {
        this.properties = properties;
    }

    public String getCycle() {
        return properties.retryCycle();
    }
}
