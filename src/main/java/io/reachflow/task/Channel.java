package io.reachflow.task;

/** How a task reaches its audience. */
public enum Channel {
    IN_APP, PUSH, SMS, EMAIL, WEBHOOK
}
