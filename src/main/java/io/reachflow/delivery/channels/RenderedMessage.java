package io.reachflow.delivery.channels;

/** One recipient's rendered message, with the address the channel needs (null for IN_APP and WEBHOOK). */
public record RenderedMessage(String userId, String address, String title, String body, String link) {
}
