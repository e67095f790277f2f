package io.reachflow.lifecycle;

import java.time.Instant;

/**
 * Where a task's process is stuck: a job that failed through all its retries, now an incident. {@code process} is
 * the model's key, {@code activity} the element's name, {@code message} the last failure's, {@code pushId} the push
 * of a delivery (null before it is planned and elsewhere), {@code processInstanceId} what Cockpit shows it under,
 * where an admin retries it.
 */
public record TaskIncident(String id, String process, String activityId, String activity, String message,
                           Instant since, Long pushId, String processInstanceId) {
}
