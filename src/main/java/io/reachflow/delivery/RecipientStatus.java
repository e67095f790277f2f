package io.reachflow.delivery;

/** The one recorded outcome of a push for one recipient. */
public enum RecipientStatus {
    PLANNED, DELIVERED, FAILED, SKIPPED, CANCELLED
}
