package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.delivery.channels.RenderedMessage;
import io.reachflow.delivery.channels.SendOutcome;
import io.reachflow.support.Logs;
import io.reachflow.task.Channel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/** Where each channel's messages go is said at the start, and a channel that ends in the outbox outside the demo warns. */
@ExtendWith(OutputCaptureExtension.class)
class ChannelRoutesTest {

    private static ProviderChannel webhook() {
        return new ProviderChannel() {
            @Override
            public Channel channel() {
                return Channel.WEBHOOK;
            }

            @Override
            public String destination() {
                return "https://hooks.example.com (BATCH)";
            }

            @Override
            public Map<String, SendOutcome> send(long taskId, long pushId, List<RenderedMessage> messages,
                                                 ProviderChannel.HandOver handOver) {
                throw new UnsupportedOperationException("not sent in this test");
            }

            @Override
            public boolean deduplicates() {
                return true;
            }
        };
    }

    @Test
    void saysWhereEachChannelGoesAndWarnsOfTheOutboxOutsideTheDemo(CapturedOutput output) {
        ChannelRoutes routes = new ChannelRoutes(List.of(webhook()), new MockEnvironment().withProperty("x", "y"));

        Logs.atInfo(ChannelRoutes.class, routes::tell);

        assertThat(routes.toOutbox(Channel.EMAIL)).isTrue();
        assertThat(routes.toOutbox(Channel.WEBHOOK)).isFalse();
        assertThat(routes.toOutbox(Channel.IN_APP)).as("the inbox is no outbox").isFalse();
        assertThat(output.getOut().lines().filter(line -> line.contains("Channels: ")))
                .singleElement().asString().contains(" WARN ")
                .contains("IN_APP -> the users' inbox; PUSH -> the local outbox; SMS -> the local outbox; "
                        + "EMAIL -> the local outbox; WEBHOOK -> https://hooks.example.com (BATCH)")
                .contains("Nothing leaves the application for PUSH, SMS, EMAIL: no provider is configured");
    }

    @Test
    void theOutboxIsTheDemosSandbox(CapturedOutput output) {
        MockEnvironment demo = new MockEnvironment();
        demo.setActiveProfiles("demo");

        Logs.atInfo(ChannelRoutes.class, new ChannelRoutes(List.of(), demo)::tell);

        assertThat(output.getOut().lines().filter(line -> line.contains("Channels: ")))
                .singleElement().asString().contains(" INFO ").contains("(the demo's sandbox, GET /api/outbox)");
    }
}
