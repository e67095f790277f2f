package io.reachflow.delivery.channels.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.system.StartRefusedException;
import io.reachflow.task.Channel;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/** Which providers exist for which configuration, and how their settings bind: the application's scans only. */
class ProviderChannelsConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
            .withUserConfiguration(Providers.class);

    @Test
    void noProviderWithoutItsConfiguration() {
        context.run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(started).doesNotHaveBean(ProviderChannel.class);
            assertThat(started).doesNotHaveBean(WebhookProperties.class);
        });
    }

    @Test
    void eachConfiguredProviderWithItsDefaults() {
        context.withPropertyValues(
                        "reachflow.channels.webhook.url=https://hooks.example.com/reachflow",
                        "reachflow.channels.webhook.secret=s3cret",
                        "reachflow.channels.push.endpoint=https://push.example.com/v1/projects/p/messages:send",
                        "reachflow.channels.push.access-token=token",
                        "reachflow.channels.sms.url=https://sms.example.com/send",
                        "reachflow.channels.sms.request-template={\"to\":\"{{to}}\"}",
                        "spring.mail.host=localhost",
                        "reachflow.channels.email.from=Reachflow <news@example.com>")
                .run(started -> {
                    assertThat(started.getBeansOfType(ProviderChannel.class).values())
                            .extracting(ProviderChannel::channel)
                            .containsExactlyInAnyOrder(Channel.WEBHOOK, Channel.PUSH, Channel.SMS, Channel.EMAIL);
                    WebhookProperties webhook = started.getBean(WebhookProperties.class);
                    assertThat(webhook.mode()).isEqualTo(WebhookProperties.Mode.BATCH);
                    assertThat(webhook.timeouts()).isEqualTo(new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
                    assertThat(webhook.toString()).doesNotContain("s3cret");
                    SmsProperties sms = started.getBean(SmsProperties.class);
                    assertThat(sms.method()).isEqualTo(HttpMethod.POST);
                    assertThat(sms.contentType()).isEqualTo(MediaType.APPLICATION_JSON);
                    assertThat(sms.headers()).isEmpty();
                    assertThat(started.getBean(EmailProperties.class).from().getAddress())
                            .isEqualTo("news@example.com");
                });
    }

    @Test
    void smsGatewaySettings() {
        context.withPropertyValues(
                        "reachflow.channels.sms.url=https://sms.example.com/send",
                        "reachflow.channels.sms.method=PUT",
                        "reachflow.channels.sms.content-type=application/x-www-form-urlencoded",
                        "reachflow.channels.sms.request-template=to={{to}}",
                        "reachflow.channels.sms.headers.[X-Api-Key]=k3y",
                        "reachflow.channels.sms.timeouts.read=3s")
                .run(started -> {
                    SmsProperties sms = started.getBean(SmsProperties.class);
                    assertThat(sms.method()).isEqualTo(HttpMethod.PUT);
                    assertThat(sms.contentType()).isEqualTo(MediaType.APPLICATION_FORM_URLENCODED);
                    assertThat(sms.headers()).containsEntry("X-Api-Key", "k3y");
                    assertThat(sms.timeouts()).isEqualTo(new HttpTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3)));
                    assertThat(sms.toString()).doesNotContain("k3y");
                });
    }

    @Test
    void aWebhookWithoutSecretDoesNotStart() {
        context.withPropertyValues("reachflow.channels.webhook.url=https://hooks.example.com/reachflow")
                .run(started -> assertThat(started).hasFailed()
                        .getFailure().rootCause().hasMessageContaining("secret"));
    }

    @Test
    void aPushEndpointWithoutTokenDoesNotStart() {
        context.withPropertyValues("reachflow.channels.push.endpoint=https://push.example.com/send")
                .run(started -> assertThat(started).hasFailed()
                        .getFailure().rootCause().hasMessageContaining("service-account or .access-token"));
    }

    /** An address without a scheme is a URI too: refused on start, naming the setting, rather than failing each send. */
    @Test
    void aProviderAddressThatIsNoHttpUrlDoesNotStart() {
        context.withPropertyValues("reachflow.channels.webhook.url=localhost:19001/webhook",
                        "reachflow.channels.webhook.secret=s3cret")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("reachflow.channels.webhook.url")
                        .hasMessageContaining("must be an absolute http or https URL"));
        context.withPropertyValues("reachflow.channels.sms.url=sms.example.com/send",
                        "reachflow.channels.sms.request-template=to={{to}}")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("reachflow.channels.sms.url"));
        context.withPropertyValues("reachflow.channels.push.endpoint=ftp://push.example.com/send",
                        "reachflow.channels.push.access-token=token")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("reachflow.channels.push.endpoint"));
        context.withPropertyValues("reachflow.channels.email.from=Reachflow <news@example.com>",
                        "spring.mail.host=localhost",
                        "reachflow.channels.email.unsubscribe-url=https://shop.example.com/unsubscribe")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("reachflow.channels.email.unsubscribe-url")
                        .hasMessageContaining("naming {userId}"));
    }

    /** A sender without an SMTP server is refused on start, saying what to set (not "define a bean"). */
    @Test
    void anEmailSenderWithoutSmtpServerDoesNotStart() {
        context.withPropertyValues("reachflow.channels.email.from=Reachflow <news@example.com>")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .isInstanceOf(StartRefusedException.class)
                        .hasMessageContaining("no SMTP server is configured")
                        .hasMessageContaining("spring.mail.host (SPRING_MAIL_HOST)"));
    }

    /** A request template naming a value the gateway's requests do not have is refused on start, saying which. */
    @Test
    void anSmsTemplateWithAnUnknownValueDoesNotStart() {
        context.withPropertyValues("reachflow.channels.sms.url=https://sms.example.com/send",
                        "reachflow.channels.sms.request-template={\"to\":\"{{to}}\",\"phone\":\"{{phone}}\"}")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .isInstanceOf(StartRefusedException.class)
                        .hasMessageContaining("reachflow.channels.sms.request-template")
                        .hasMessageContaining("phone")
                        .hasMessageContaining("{{to}}, {{text}}, {{idempotencyKey}} and {{userId}}"));
    }

    @Configuration(proxyBeanMethods = false)
    @ComponentScan(basePackageClasses = ProviderChannelsConfigurationTest.class)
    @ConfigurationPropertiesScan(basePackageClasses = ProviderChannelsConfigurationTest.class)
    static class Providers {

        @Bean
        Clock clock() {
            return TestProviders.CLOCK;
        }
    }
}
