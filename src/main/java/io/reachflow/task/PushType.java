package io.reachflow.task;

/** When a running task sends. */
public enum PushType {
    ONE_TIME, RECURRING, TRIGGERED, MANUAL
}
