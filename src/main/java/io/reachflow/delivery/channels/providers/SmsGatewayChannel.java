package io.reachflow.delivery.channels.providers;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.system.StartRefusedException;
import io.reachflow.task.Channel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * SMS: one request per phone number (the message's address) to an HTTP gateway, its body rendered from the
 * configured template. The text is the message's body followed by its link.
 */
@Component
@ConditionalOnProperty(prefix = SmsProperties.PREFIX, name = "url")
class SmsGatewayChannel extends PerRecipientChannel {

    private final SmsProperties properties;
    private final Template requestTemplate;
    private final ProviderHttp http;

    SmsGatewayChannel(SmsProperties properties, Clock clock) {
        super(Channel.SMS, clock);
        this.properties = properties;
        this.requestTemplate = checked(Mustache.compiler().withEscaper(escaperFor(properties.contentType())),
                properties.requestTemplate());
        this.http = new ProviderHttp(properties.url(), properties.timeouts(), clock);
    }

    /**
     * The request template, compiled and rendered once for a sample message: one that does not compile or names
     * a value there is not ({@code {{phone}}}) is refused on start, where each send would fail until an incident.
     */
    private static Template checked(Mustache.Compiler compiler, String requestTemplate) {
        try {
            Template template = compiler.compile(requestTemplate);
            template.execute(values("+4915100000000", "Hello", "1:sample", "sample"));
            return template;
        } catch (MustacheException e) {
            throw new StartRefusedException("The SMS gateway's request template (" + SmsProperties.PREFIX
                    + ".request-template) cannot be used: " + e.getMessage(), "Name only {{to}}, {{text}}, "
                    + "{{idempotencyKey}} and {{userId}} in it: in double braces escaped for the content type, in "
                    + "triple braces as they are");
        }
    }

    private static Map<String, String> values(String to, String text, String idempotencyKey, String userId) {
        return Map.of("to", to, "text", text, "idempotencyKey", idempotencyKey, "userId", userId);
    }

    @Override
    public String destination() {
        return ProviderHttp.destination(properties.url());
    }

    /** Each request carries an {@code Idempotency-Key} header (and {@code {{idempotencyKey}}} for the template). */
    @Override
    public boolean deduplicates() {
        return true;
    }

    @Override
    SendOutcome send(long pushId, RenderedMessage message) {
        String idempotencyKey = ProviderChannel.idempotencyKey(pushId, message.userId());
        String body = requestTemplate.execute(values(message.address(), text(message), idempotencyKey,
                message.userId()));
        return http.send("push " + pushId + ", user " + message.userId(), client -> client.method(properties.method())
                .uri(properties.url())
                .contentType(properties.contentType())
                .header(ProviderHttp.IDEMPOTENCY_KEY, idempotencyKey)
                .headers(headers -> properties.headers().forEach(headers::set))
                .body(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(RenderedMessage message) {
        String body = Objects.requireNonNullElse(message.body(), "");
        return message.link() == null ? body : body + " " + message.link();
    }

    /**
     * {@code {{value}}} is escaped for the body's type: inside a JSON string, as a form value, as XML text; plain text
     * as it is. A recipient's name or attributes can then never change the request's structure (where it goes).
     */
    static Mustache.Escaper escaperFor(MediaType contentType) {
        String subtype = contentType.getSubtype();
        if ("json".equals(subtype) || subtype.endsWith("+json")) {
            return raw -> new String(JsonStringEncoder.getInstance().quoteAsString(raw));
        }
        if (MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(contentType)) {
            return raw -> URLEncoder.encode(raw, StandardCharsets.UTF_8);
        }
        if ("xml".equals(subtype) || subtype.endsWith("+xml")) {
            return Escapers.HTML;
        }
        if (MediaType.TEXT_PLAIN.equalsTypeAndSubtype(contentType)) {
            return Escapers.NONE;
        }
        throw new IllegalArgumentException("reachflow.channels.sms.content-type " + contentType
                + " is not one the request template can be escaped for: JSON, form, XML or plain text");
    }
}
