package io.reachflow.delivery;

/**
 * Where a push stands for one recipient. PLANNED until handed to the channel; SENDING only while a provider has the
 * message and has not answered yet; then its one recorded outcome.
 */
public enum RecipientStatus {
    PLANNED, SENDING, DELIVERED, FAILED, SKIPPED, CANCELLED
}
