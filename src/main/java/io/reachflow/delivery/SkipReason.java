package io.reachflow.delivery;

/** Why a recipient was not sent to. */
public enum SkipReason {
    /** The user opted out of the task's channel. */
    OPTED_OUT,
    /** The user has no address for the task's channel (no email, phone or push token). */
    NO_ADDRESS,
    /** A tester id that matches no user profile. */
    UNKNOWN_USER,
    /** A ONE_TIME task's earlier push (stopped by a pause) reached the user already. */
    ALREADY_SENT,
    /** The user got the task's frequency cap of messages on its channel in the cap's period already. */
    FREQUENCY_CAP
}
