package io.reachflow.delivery;

/** What started a push. */
public enum PushTrigger {
    /** An operator asked for a test round. */
    TEST,
    /** The schedule: a one-time send time or a recurring occurrence. */
    SCHEDULE,
    /** An operator pressed send on a MANUAL task. */
    MANUAL,
    /** A behaviour event of a TRIGGERED task. */
    EVENT
}
