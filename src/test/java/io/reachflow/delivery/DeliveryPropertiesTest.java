package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** How {@code reachflow.delivery.*} binds, and what it refuses at start-up. */
class DeliveryPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bound.class);

    @Test
    void recipientsAreKeptNinetyDaysByDefault() {
        context.run(started -> assertThat(started.getBean(DeliveryProperties.class).recipientsRetention())
                .isEqualTo(Duration.ofDays(90)));
    }

    @Test
    void aRetentionNoLongerThanTheLongestFrequencyCapIsRefused() {
        context.withPropertyValues("reachflow.delivery.recipients-retention=30d").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("recipientsRetention")
                    .hasMessageContaining("longer than the longest frequency-cap period");
        });
        context.withPropertyValues("reachflow.delivery.recipients-retention=P30DT2M").run(started ->
                assertThat(started).as("within the claim expiry (2 minutes and 1) after the period").hasFailed());
        context.withPropertyValues("reachflow.delivery.recipients-retention=31d").run(started ->
                assertThat(started).hasNotFailed());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DeliveryProperties.class)
    static class Bound {
    }
}
