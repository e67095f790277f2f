package io.reachflow.system;

import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who is acting right now: the user the engine has authenticated (Tasklist, {@code /engine-rest}, a review
 * decided through the API), else the user of the current API request, else {@value #SYSTEM} for the engine's
 * own jobs and timers.
 */
@Component
public class CurrentActor {

    public static final String SYSTEM = "system";

    private final IdentityService identityService;

    public CurrentActor(IdentityService identityService) {
        this.identityService = identityService;
    }

    public String name() {
        return user().orElse(SYSTEM);
    }

    /** Whether no user acts: the application itself (its start, its jobs), whatever a user may be named. */
    public boolean isApplication() {
        return user().isEmpty();
    }

    /** Whether whoever acts is in {@code camunda-admin}; the system (no user) is not. */
    public boolean isAdmin() {
        Authentication engineUser = engineUser();
        if (engineUser != null) {
            return engineUser.getGroupIds() != null && engineUser.getGroupIds().contains(Groups.ADMINS);
        }
        return requestUser() != null && requestUser().getAuthorities().stream()
                .anyMatch(authority -> Groups.authority(Groups.ADMINS).equals(authority.getAuthority()));
    }

    /** The user who acts: the engine's authenticated one (a call in their name), else the request's. */
    private Optional<String> user() {
        Authentication engineUser = engineUser();
        if (engineUser != null) {
            return Optional.of(engineUser.getUserId());
        }
        var requestUser = requestUser();
        return requestUser == null ? Optional.empty() : Optional.of(requestUser.getName());
    }

    private Authentication engineUser() {
        Authentication engineUser = identityService.getCurrentAuthentication();
        return engineUser != null && engineUser.getUserId() != null ? engineUser : null;
    }

    private static org.springframework.security.core.Authentication requestUser() {
        var requestUser = SecurityContextHolder.getContext().getAuthentication();
        return requestUser != null && requestUser.isAuthenticated()
                && !(requestUser instanceof AnonymousAuthenticationToken) ? requestUser : null;
    }
}
