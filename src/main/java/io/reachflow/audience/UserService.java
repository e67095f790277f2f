package io.reachflow.audience;

import jakarta.persistence.EntityManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Single user profiles: {@code PUT} and {@code GET /api/users/{id}}. Bulk imports are {@link UserImports}. */
@Service
public class UserService {

    /** How often a creation that met another's creation of the same profile is tried, in all. */
    static final int CONCURRENT_WRITE_ATTEMPTS = 3;

    private static final String UNIQUE_VIOLATION = "23505";

    private final AudienceUserRepository users;
    private final EntityManager entities;
    private final Clock clock;
    private final TransactionTemplate transactions;

    public UserService(AudienceUserRepository users, EntityManager entities, Clock clock,
                       PlatformTransactionManager transactions) {
        this.users = users;
        this.entities = entities;
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
            } catch (RuntimeException refused) {
                // the persistence provider's own exception when the flush is ours, Spring's otherwise
                if (!duplicateKey(refused) || attempt == CONCURRENT_WRITE_ATTEMPTS) {
                    throw refused;
                }
            }
        }
    }

    /** Whether the database refused a second row of a key (SQLSTATE 23505, on H2 and PostgreSQL alike). */
    private static boolean duplicateKey(RuntimeException refused) {
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A new profile is persisted, not merged by its id: a merge would quietly replace one that another request
     * created meanwhile, and both would answer that they created it.
     */
    private boolean write(UserProfile profile) {
        Optional<AudienceUser> existing = users.findLocked(profile.id());
        AudienceUser user = existing.orElseGet(() -> new AudienceUser(profile.id(), clock.instant()));
        user.update(profile, clock.instant());
        if (existing.isEmpty()) {
            entities.persist(user);
        }
        entities.flush();
        return existing.isEmpty();
    }

    @Transactional(readOnly = true)
    public Optional<UserProfile> find(String id) {
        return users.findById(id).map(AudienceUser::profile);
    }
}
