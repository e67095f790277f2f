package io.reachflow.delivery.channels.providers;

import jakarta.mail.internet.InternetAddress;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.util.UriUtils;

/**
 * The EMAIL channel's sender, bound only when {@code from} is configured. The SMTP server is Spring Boot's
 * {@code spring.mail.*}.
 *
 * @param from the sender, {@code news@example.com} or {@code Example News <news@example.com>}
 * @param unsubscribeUrl where a recipient unsubscribes with one click (RFC 8058), {@code {userId}} standing for the
 *                       recipient's id: {@code https://shop.example.com/unsubscribe?user={userId}}. Each mail then
 *                       carries {@code List-Unsubscribe} and {@code List-Unsubscribe-Post}, which the large mailbox
 *                       providers ask of bulk senders; the page (the users' own app) records the opt-out
 *                       ({@code PUT /api/users/{id}} with {@code optOut} EMAIL). None: no such header.
 */
@ConfigurationProperties(EmailProperties.PREFIX)
@ConditionalOnProperty(prefix = EmailProperties.PREFIX, name = "from")
@Validated
record EmailProperties(@NotNull InternetAddress from,
                       @Pattern(regexp = "https?://[^\\s<>]+\\{userId}[^\\s<>]*", message = "must be an absolute http or "
                               + "https URL naming {userId}, such as https://shop.example.com/unsubscribe?user={userId}")
                       String unsubscribeUrl) {

    static final String PREFIX = "reachflow.channels.email";
    static final String USER_ID = "{userId}";

    /** The recipient's unsubscribe URL, the id encoded as a URL's part; null without one. */
    String unsubscribeUrl(String userId) {
        return unsubscribeUrl == null ? null
                : unsubscribeUrl.replace(USER_ID, UriUtils.encode(userId, StandardCharsets.UTF_8));
    }
}
