package io.reachflow.system;

import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * HTTP Basic against the Camunda identity service: the same users and groups as Tasklist and Admin. Each group
 * becomes the authority {@code GROUP_<id>}. The password check and the groups lookup share one transaction.
 */
class CamundaIdentityAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(CamundaIdentityAuthenticationProvider.class);

    private final IdentityService identityService;
    private final TransactionTemplate transaction;
    private final int loginMaxAttempts;

    CamundaIdentityAuthenticationProvider(IdentityService identityService, PlatformTransactionManager transactions,
                                          int loginMaxAttempts) {
        this.identityService = identityService;
        this.transaction = new TransactionTemplate(transactions);
        this.loginMaxAttempts = loginMaxAttempts;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        // Not read-only, and not thrown inside: a wrong password is written down (the engine locks the user out
        // after repeated failures), and that must commit.
        Authentication authenticated = transaction.execute(status -> check(authentication));
        if (authenticated == null) {
            // for whoever watches for guessing: who and from where, never with what
            String from = authentication.getDetails() instanceof WebAuthenticationDetails web
                    ? " from " + web.getRemoteAddress() : "";
            log.info("HTTP Basic login of '{}'{} refused: {}", Texts.loggable(authentication.getName()), from,
                    why(authentication.getName()));
            throw new BadCredentialsException("Bad user name or password");
        }
        return authenticated;
    }

    /** The authenticated user with their groups, or null when the name or password is wrong. */
    private Authentication check(Authentication authentication) {
        String user = authentication.getName();
        Object password = authentication.getCredentials();
        if (user == null || password == null || !identityService.checkPassword(user, password.toString())) {
            return null;
        }
        List<SimpleGrantedAuthority> authorities = identityService.createGroupQuery().groupMember(user).list().stream()
                .map(Group::getId)
                .map(group -> new SimpleGrantedAuthority(Groups.authority(group)))
                .toList();
        return UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
    }

    /**
     * Why a login was refused, as far as the user's record tells after it: the engine neither counts nor says a try
     * while locked, so a wrong password and a try while locked read alike, with the lock that follows either.
     */
    private String why(String user) {
        if (user == null || user.isEmpty()) {
            return "no user name";
        }
        Object found = identityService.createUserQuery().userId(user).singleResult();
        if (found == null) {
            return "no such user";
        }
        if (!(found instanceof UserEntity entity) || entity.getAttempts() == 0) {
            // a directory's user (LDAP), whose locks are its own
            return "wrong password, or locked";
        }
        String attempts = entity.getAttempts() + " failed login(s) in a row";
        LoginLock lock = LoginLock.of(entity, loginMaxAttempts);
        if (lock.forGood()) {
            return "wrong password, or locked (" + attempts + ": locked until an admin unlocks it in Admin)";
        }
        if (lock.until() != null) {
            return "wrong password, or locked (" + attempts + ": locked until " + lock.until() + ")";
        }
        return "wrong password (" + attempts + ")";
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
