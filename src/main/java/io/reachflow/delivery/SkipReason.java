package io.reachflow.delivery;

/** Why a recipient was not sent to (SKIPPED), or waits (PLANNED, deferred to a later time). */
public enum SkipReason {
    /** The user opted out of the task's channel. */
    OPTED_OUT,
    /** The user has no address for the task's channel (no email, phone or push token). */
    NO_ADDRESS,
    /** A tester id that matches no user profile. */
    UNKNOWN_USER,
    /**
     * A tester who is no Reachflow user (of the identity service, which only an admin adds to): testers are staff. A
     * test round skips opt-outs and send windows, and its content was never reviewed, so it must never reach a
     * customer named as a tester.
     */
    NOT_STAFF,
    /** The user's profile was deleted ({@code DELETE /api/users/{id}}) before the message was handed to the channel. */
    USER_DELETED,
    /** A ONE_TIME task's earlier push (stopped by a pause) reached the user already. */
    ALREADY_SENT,
    /** The user got the task's frequency cap of messages on its channel in the cap's period already. */
    FREQUENCY_CAP,
    /** Deferred: outside the task's send windows in the user's time zone, until the next one opens. */
    OUTSIDE_SEND_WINDOW,
    /** Deferred: a do-not-disturb day of the task in the user's time zone, until it is over. */
    DO_NOT_DISTURB,
    /** Deferred: beyond the task's rateLimitPerMinute, until the limit has room again. */
    RATE_LIMITED
}
