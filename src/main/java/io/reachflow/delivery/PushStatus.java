package io.reachflow.delivery;

public enum PushStatus {
    DELIVERING, DELIVERED, CANCELLED
}
