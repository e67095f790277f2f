package io.reachflow.audience;

import jakarta.persistence.EntityManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Single user profiles: {@code PUT}, {@code GET} and {@code DELETE /api/users/{id}}. Bulk imports are
 * {@link UserImports}.
 */
@Service
public class UserService {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);

    /** How often a creation that met another's creation of the same profile is tried, in all. */
    static final int CONCURRENT_WRITE_ATTEMPTS = 3;

    private static final String UNIQUE_VIOLATION = "23505";

    private final AudienceUserRepository users;
    private final EntityManager entities;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final List<UserDataEraser> erasers;
    private final StaffProfiles staffProfiles;

    public UserService(AudienceUserRepository users, EntityManager entities, Clock clock,
                       PlatformTransactionManager transactions, List<UserDataEraser> erasers,
                       StaffProfiles staffProfiles) {
        this.users = users;
        this.staffProfiles = staffProfiles;
        this.entities = entities;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactions);
        this.erasers = erasers;
    }

    /**
     * Creates or replaces a profile; true when it was created. A profile has no version to give: it is replaced
     * whole, and the last of two writes at once wins. Replacements of a profile take turns on its row's lock; a
     * creation that meets another's creation of the same new id tries again, as what it is then, a replacement.
     * A staff member's profile is theirs or an admin's to write ({@link StaffProfiles}).
     */
    public boolean upsert(UserProfile profile) {
        staffProfiles.requireWritable(profile.id());
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
        return users.findWhole(id).map(AudienceUser::profile);
    }

    /**
     * Erases the user (the right to erasure): the profile with its tags and opt-outs, and what each
     * {@link UserDataEraser} holds of them (delivery: their messages, what pushes had yet to send them), in one
     * transaction; empty when there is no such profile. The profile's row is locked first, so a replacement of it at
     * the same time waits, and then creates it anew. A staff member's profile is theirs or an admin's to erase.
     */
    public Optional<ErasedUser> erase(String id) {
        staffProfiles.requireWritable(id);
        return transactions.execute(status -> users.findLocked(id).map(user -> {
            Map<String, Long> erased = new TreeMap<>();
            erasers.forEach(eraser -> erased.putAll(eraser.erase(id)));
            users.delete(user);
            entities.flush();
            Instant now = clock.instant();
            log.info("User '{}' erased: profile deleted, with {}", id, erased);
            return new ErasedUser(id, now, erased);
        }));
    }
}
