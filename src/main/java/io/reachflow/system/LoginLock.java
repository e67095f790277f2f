package io.reachflow.system;

import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * Where a user of the identity service stands after failed logins, as the engine locks them: for good after the last
 * attempt allowed ({@code login-max-attempts}), whatever the lock's expiry says, otherwise until that expiry while it
 * is ahead.
 *
 * @param attempts failed logins in a row
 * @param forGood  locked until an admin unlocks the user
 * @param until    the end of a lock still in force that is not for good; null when none is
 */
record LoginLock(int attempts, boolean forGood, Instant until) {

    static LoginLock of(UserEntity user, int maxAttempts) {
        Date expiry = user.getLockExpirationTime();
        boolean forGood = user.getAttempts() >= maxAttempts;
        Instant until = forGood || expiry == null || !expiry.after(ClockUtil.getCurrentTime()) ? null
                : expiry.toInstant();
        return new LoginLock(user.getAttempts(), forGood, until);
    }
}
