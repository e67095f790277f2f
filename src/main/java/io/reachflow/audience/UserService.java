package io.reachflow.audience;

import java.time.Clock;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Single user profiles: {@code PUT} and {@code GET /api/users/{id}}. Bulk imports are {@link UserImports}. */
@Service
public class UserService {

    /** How often a creation that met another's creation of the same profile is tried, in all. */
    static final int CONCURRENT_WRITE_ATTEMPTS = 3;

    private final AudienceUserRepository users;
    private final Clock clock;
    private final TransactionTemplate transactions;

    public UserService(AudienceUserRepository users, Clock clock, PlatformTransactionManager transactions) {
        this.users = users;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactions);
    }

    /**
     * Creates or replaces a profile; true when it was created. A profile has no version to give: it is replaced
     * whole, and the last of two writes at once wins. Replacements of a profile take turns on its row's lock; a
     * creation that meets another's creation of the same new id tries again, as what it is then, a replacement.
     */
    public boolean upsert(UserProfile profile) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Boolean.TRUE.equals(transactions.execute(status -> write(profile)));
            } catch (DataIntegrityViolationException | OptimisticLockingFailureException concurrentWrite) {
                if (attempt == CONCURRENT_WRITE_ATTEMPTS) {
                    throw concurrentWrite;
                }
            }
        }
    }

    private boolean write(UserProfile profile) {
        Optional<AudienceUser> existing = users.findLocked(profile.id());
        AudienceUser user = existing.orElseGet(() -> new AudienceUser(profile.id(), clock.instant()));
        user.update(profile, clock.instant());
        users.saveAndFlush(user);
        return existing.isEmpty();
    }

    @Transactional(readOnly = true)
    public Optional<UserProfile> find(String id) {
        return users.findById(id).map(AudienceUser::profile);
    }
}
