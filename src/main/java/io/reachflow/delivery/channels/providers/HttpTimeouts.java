package io.reachflow.delivery.channels.providers;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long an HTTP provider may take ({@code reachflow.channels.<channel>.timeouts.*}).
 *
 * @param connect how long to wait for a connection
 * @param read    how long to wait for the answer
 */
record HttpTimeouts(@DefaultValue("5s") @NotNull Duration connect, @DefaultValue("10s") @NotNull Duration read) {
}
