package io.reachflow.task;

public enum AudienceType {
    ALL, TAGS, USERS
}
