package io.reachflow.delivery;

/** Where a push stands: being delivered, stopped by a pause (it goes on after the resume), or done. */
public enum PushStatus {
    DELIVERING, PAUSED, DELIVERED, CANCELLED
}
