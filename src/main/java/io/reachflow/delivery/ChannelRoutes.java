package io.reachflow.delivery;

import io.reachflow.delivery.channels.ProviderChannel;
import io.reachflow.task.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Where each channel's messages go, said once at the start: {@code IN_APP} into the inbox, a channel with a
 * configured provider to it, any other into the local outbox, where nothing leaves the application. The outbox is
 * the demo's sandbox; outside the {@code demo} profile a channel that ends there is a WARN, as its pushes would
 * count as delivered without anyone getting them.
 */
@Component
class ChannelRoutes {

    private static final Logger log = LoggerFactory.getLogger(ChannelRoutes.class);

    private final List<ProviderChannel> providers;
    private final Environment environment;

    ChannelRoutes(List<ProviderChannel> providers, Environment environment) {
        this.providers = providers;
        this.environment = environment;
    }

    /** The channel's provider, when one is configured. */
    Optional<ProviderChannel> provider(Channel channel) {
        return providers.stream().filter(provider -> provider.channel() == channel).findFirst();
    }

    /** Whether the channel's messages go into the local outbox (no provider, and not the inbox). */
    boolean toOutbox(Channel channel) {
        return channel != Channel.IN_APP && provider(channel).isEmpty();
    }

    @EventListener(ApplicationReadyEvent.class)
    void tell() {
        List<String> routes = new ArrayList<>();
        List<String> toOutbox = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            if (channel == Channel.IN_APP) {
                routes.add("IN_APP -> the users' inbox");
            } else if (toOutbox(channel)) {
                routes.add(channel + " -> the local outbox");
                toOutbox.add(channel.name());
            } else {
                routes.add(channel + " -> " + provider(channel).orElseThrow().destination());
            }
        }
        boolean demo = environment.acceptsProfiles(Profiles.of("demo"));
        log.atLevel(toOutbox.isEmpty() || demo ? Level.INFO : Level.WARN).log("Channels: {}{}", String.join("; ", routes),
                toOutbox.isEmpty() ? "" : ". Nothing leaves the application for " + String.join(", ", toOutbox)
                        + (demo ? " (the demo's sandbox, GET /api/outbox)" : ": no provider is configured for them, "
                        + "and their pushes count as delivered into the outbox (README, Channels and providers)"));
    }
}
