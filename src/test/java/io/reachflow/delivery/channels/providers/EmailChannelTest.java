package io.reachflow.delivery.channels.providers;

import static io.reachflow.delivery.channels.providers.TestProviders.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome.Deferred;
import io.reachflow.delivery.channels.SendOutcome.Delivered;
import io.reachflow.delivery.channels.SendOutcome.Rejected;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Against GreenMail, a real SMTP server in the test JVM, and a scripted one that refuses recipients. */
class EmailChannelTest {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void sendsOneMessagePerRecipient() throws Exception {
        RenderedMessage withoutLink = new RenderedMessage("bob", "bob@example.com", "Hi bob", "Sale", null);

        var outcomes = email(smtp.getSmtp().getPort()).send(3, 7,
                List.of(message("alice", "alice@example.com"), withoutLink));

        assertThat(outcomes).containsOnly(Map.entry("alice", new Delivered()), Map.entry("bob", new Delivered()));
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2);
        MimeMessage alice = received[0].getRecipients(RecipientType.TO)[0].toString().equals("alice@example.com")
                ? received[0] : received[1];
        assertThat(alice.getRecipients(RecipientType.TO)).containsExactly(new InternetAddress("alice@example.com"));
        assertThat(alice.getFrom()).containsExactly(new InternetAddress("Reachflow News <news@example.com>"));
        assertThat(alice.getSubject()).isEqualTo("Hi alice");
        assertThat(alice.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(GreenMailUtil.getBody(alice)).isEqualToNormalizingNewlines(
                "20% off \"this\" week\nin Lisbon & Porto\n\nhttps://shop.example.com/sale?u=alice");
        assertThat(alice.getHeader("X-Idempotency-Key")).containsExactly("7:alice");
        assertThat(alice.getHeader("List-Unsubscribe")).as("none configured").isNull();
    }

    /**
     * With an unsubscribe URL, each mail offers one-click unsubscription (RFC 8058), as the large mailbox providers
     * ask of bulk senders: its recipient's own URL, the id encoded.
     */
    @Test
    void offersOneClickUnsubscriptionWhereConfigured() throws Exception {
        var outcomes = email(smtp.getSmtp().getPort(), "https://shop.example.com/unsubscribe?user={userId}")
                .send(3, 7, List.of(message("anna+1@x", "anna@example.com")));

        assertThat(outcomes).containsOnly(Map.entry("anna+1@x", new Delivered()));
        MimeMessage anna = smtp.getReceivedMessages()[0];
        assertThat(anna.getHeader("List-Unsubscribe"))
                .containsExactly("<https://shop.example.com/unsubscribe?user=anna%2B1%40x>");
        assertThat(anna.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
    }

    @Test
    void rejectsWhatIsNotAnEmailAddressUnsent() throws Exception {
        var outcomes = email(smtp.getSmtp().getPort()).send(3, 7,
                List.of(message("alice", "alice at example"), message("bob", null)));

        assertThat(outcomes.get("alice")).isInstanceOfSatisfying(Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo("INVALID_ADDRESS");
            assertThat(rejected.detail()).contains("alice at example");
        });
        assertThat(outcomes.get("bob")).isEqualTo(new Rejected("NO_ADDRESS", "no EMAIL address in the profile"));
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    @Test
    void rejectsARecipientTheServerRefusesPermanently() throws Exception {
        try (RefusingSmtpServer server = new RefusingSmtpServer("550 5.1.1 No such user here")) {
            var outcomes = email(server.port()).send(3, 7, List.of(message("alice", "gone@example.com")));

            assertThat(outcomes).containsEntry("alice", new Rejected("SMTP 550", "550 5.1.1 No such user here"));
        }
    }

    @Test
    void defersARecipientTheServerRefusesForNow() throws Exception {
        try (RefusingSmtpServer server = new RefusingSmtpServer("452 4.2.2 Mailbox full")) {
            var outcomes = email(server.port()).send(3, 7, List.of(message("alice", "full@example.com")));

            assertThat(outcomes).containsEntry("alice", new Deferred("SMTP 452", "452 4.2.2 Mailbox full", null));
        }
    }

    @Test
    void defersWhenTheServerIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        var outcomes = email(closedPort).send(3, 7, List.of(message("alice", "alice@example.com")));

        assertThat(outcomes.get("alice")).isInstanceOfSatisfying(Deferred.class,
                deferred -> assertThat(deferred.reason()).contains("Connect"));
    }

    private static EmailChannel email(int port) throws AddressException {
        return email(port, null);
    }

    private static EmailChannel email(int port, String unsubscribeUrl) throws AddressException {
        JavaMailSenderImpl mailSender = new JavaMailSenderImpl();
        mailSender.setHost("127.0.0.1");
        mailSender.setPort(port);
        Properties timeouts = new Properties();
        timeouts.put("mail.smtp.connectiontimeout", "5000");
        timeouts.put("mail.smtp.timeout", "5000");
        mailSender.setJavaMailProperties(timeouts);
        return new EmailChannel(new StaticListableBeanFactory(Map.of("mailSender", mailSender))
                .getBeanProvider(JavaMailSender.class), new EmailProperties(new InternetAddress(
                        "Reachflow News <news@example.com>"), unsubscribeUrl), TestProviders.CLOCK);
    }
}
