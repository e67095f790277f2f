package io.reachflow.system;

import java.util.List;

/** The groups of the Camunda identity service that Reachflow's permissions are given to. */
public final class Groups {

    public static final String OPERATORS = "operators";
    public static final String REVIEWERS = "reviewers";
    public static final String SENIOR_REVIEWERS = "senior-reviewers";
    public static final String ADMINS = "camunda-admin";

    public static final List<String> ALL = List.of(OPERATORS, REVIEWERS, SENIOR_REVIEWERS, ADMINS);

    /** The Spring Security authority of a group. */
    public static String authority(String group) {
        return "GROUP_" + group;
    }

    private Groups() {
    }
}
