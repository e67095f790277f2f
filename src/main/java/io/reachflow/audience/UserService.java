package io.reachflow.audience;

import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Single user profiles: {@code PUT} and {@code GET /api/users/{id}}. Bulk imports are {@link UserImports}. */
@Service
public class UserService {

    private final AudienceUserRepository users;
    private final Clock clock;

    public UserService(AudienceUserRepository users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    /** Creates or replaces a profile; true when it was created. */
    @Transactional
    public boolean upsert(UserProfile profile) {
        Optional<AudienceUser> existing = users.findById(profile.id());
        AudienceUser user = existing.orElseGet(() -> new AudienceUser(profile.id(), clock.instant()));
        user.update(profile, clock.instant());
        users.save(user);
        return existing.isEmpty();
    }

    @Transactional(readOnly = true)
    public Optional<UserProfile> find(String id) {
        return users.findById(id).map(AudienceUser::profile);
    }
}
