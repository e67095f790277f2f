package io.reachflow.delivery.channels.providers;

import jakarta.mail.internet.InternetAddress;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The EMAIL channel's sender, bound only when {@code from} is configured. The SMTP server is Spring Boot's
 * {@code spring.mail.*}.
 *
 * @param from the sender, {@code news@example.com} or {@code Example News <news@example.com>}
 */
@ConfigurationProperties(EmailProperties.PREFIX)
@ConditionalOnProperty(prefix = EmailProperties.PREFIX, name = "from")
@Validated
record EmailProperties(@NotNull InternetAddress from) {

    static final String PREFIX = "reachflow.channels.email";
}
