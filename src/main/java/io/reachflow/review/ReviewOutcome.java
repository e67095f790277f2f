package io.reachflow.review;

/** How a review ended; the review process's end events set it and the lifecycle branches on it. */
public enum ReviewOutcome {
    APPROVED, REJECTED, TIMED_OUT
}
