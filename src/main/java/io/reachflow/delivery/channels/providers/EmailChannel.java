package io.reachflow.delivery.channels.providers;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import io.reachflow.system.StartRefusedException;
import io.reachflow.task.Channel;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * EMAIL: one message per recipient through the SMTP server of {@code spring.mail.*}; subject the title, plain text
 * the body followed by the link. The server refusing the recipient permanently (5xx to {@code RCPT TO}) or an
 * address that is not one is a rejection; anything else that fails (connection, authentication, 4xx, a refused
 * sender or message) is deferred, since the same message may go through later.
 */
@Component
@ConditionalOnProperty(prefix = EmailProperties.PREFIX, name = "from")
class EmailChannel extends PerRecipientChannel {

    static final String IDEMPOTENCY_KEY_HEADER = "X-Idempotency-Key";
    private static final Logger log = LoggerFactory.getLogger(EmailChannel.class);

    private final JavaMailSender mailSender;
    private final EmailProperties properties;

    EmailChannel(ObjectProvider<JavaMailSender> mailSender, EmailProperties properties, Clock clock) {
        super(Channel.EMAIL, clock);
        this.mailSender = mailSender.getIfAvailable(() -> {
            throw new StartRefusedException(EmailProperties.PREFIX + ".from is set, so EMAIL goes through SMTP, but no "
                    + "SMTP server is configured", "Set spring.mail.host (SPRING_MAIL_HOST), and .port, .username and "
                    + ".password as the server needs; or leave " + EmailProperties.PREFIX + ".from unset for the "
                    + "local outbox");
        });
        this.properties = properties;
    }

    @Override
    public String destination() {
        return mailSender instanceof JavaMailSenderImpl smtp ? "smtp://" + smtp.getHost() + ":" + smtp.getPort() : "SMTP";
    }

    /** SMTP servers do not recognise a message they have taken already: one interrupted mid-send is not resent. */
    @Override
    public boolean deduplicates() {
        return false;
    }

    @Override
    SendOutcome send(long pushId, RenderedMessage message) {
        SendOutcome outcome = sendMail(pushId, message);
        log.debug("Mail for push {}, user {}: {}", pushId, message.userId(), outcome);
        return outcome;
    }

    private SendOutcome sendMail(long pushId, RenderedMessage message) {
        try {
            mailSender.send(mimeMessage(pushId, message));
            return new Delivered();
        } catch (AddressException e) {
            return new Rejected("INVALID_ADDRESS", e.getMessage() + (e.getRef() == null ? "" : ": " + e.getRef()));
        } catch (MessagingException e) {
            return new Rejected("INVALID_MESSAGE", e.getMessage()); // the message itself cannot be made: never retried
        } catch (MailException e) {
            return outcome(e);
        }
    }

    private MimeMessage mimeMessage(long pushId, RenderedMessage message) throws MessagingException {
        MimeMessage mimeMessage = mailSender.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(mimeMessage, StandardCharsets.UTF_8.name());
        helper.setFrom(properties.from());
        helper.setTo(new InternetAddress(message.address(), true));
        helper.setSubject(Objects.requireNonNullElse(message.title(), ""));
        String body = Objects.requireNonNullElse(message.body(), "");
        helper.setText(message.link() == null ? body : body + "\n\n" + message.link());
        mimeMessage.setHeader(IDEMPOTENCY_KEY_HEADER, ProviderChannel.idempotencyKey(pushId, message.userId()));
        String unsubscribe = properties.unsubscribeUrl(message.userId());
        if (unsubscribe != null) {
            mimeMessage.setHeader("List-Unsubscribe", "<" + unsubscribe + ">");
            mimeMessage.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        return mimeMessage;
    }

    private static SendOutcome outcome(MailException exception) {
        if (exception instanceof MailAuthenticationException) {
            return new Deferred("SMTP_AUTHENTICATION", exception.getMessage(), null);
        }
        for (Throwable cause : causes(exception)) {
            if (cause instanceof SMTPAddressFailedException refused) {
                String reason = "SMTP " + refused.getReturnCode();
                String detail = refused.getMessage() == null ? null : refused.getMessage().strip();
                return refused.getReturnCode() >= 500 ? new Rejected(reason, detail) : new Deferred(reason, detail, null);
            }
        }
        Throwable cause = exception.getMostSpecificCause();
        return new Deferred(cause.getClass().getSimpleName(), cause.getMessage(), null);
    }

    /** The exception, the failure of each message it reports, and their causes (Jakarta Mail chains its own). */
    private static List<Throwable> causes(MailException exception) {
        List<Throwable> roots = new ArrayList<>(List.of(exception));
        if (exception instanceof MailSendException send) {
            roots.addAll(List.of(send.getMessageExceptions()));
        }
        List<Throwable> causes = new ArrayList<>();
        for (Throwable root : roots) {
            for (Throwable cause = root; cause != null && !causes.contains(cause); cause = cause.getCause()) {
                causes.add(cause);
            }
        }
        return causes;
    }
}
