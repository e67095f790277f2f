package io.reachflow.task;

/** The state of the task's request to run online. */
public enum ApprovalStatus {
    NONE, UNDER_REVIEW, SUBMISSION_FAILED, REJECTED, WITHDRAWN, APPROVED
}
