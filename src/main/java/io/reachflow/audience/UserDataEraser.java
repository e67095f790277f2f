package io.reachflow.audience;

import java.util.Map;

/**
 * A part of the product that holds a user's data beyond the profile (messages, sends still to go out): what
 * {@link UserService#erase} erases with the profile, in its transaction, before the profile itself.
 */
public interface UserDataEraser {

    /** Erases what it holds of the user, in the caller's transaction: how much of each kind, by a name for the API. */
    Map<String, Long> erase(String userId);
}
