package io.reachflow.delivery;

/** A test round (to the task's testers) or a live push (to its audience). */
public enum PushKind {
    TEST, LIVE
}
