package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import io.reachflow.support.Engine;
import io.reachflow.support.HttpJson;
import io.reachflow.support.Logs;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import io.reachflow.support.ReachflowSpringTest;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Whoever can restart the application can get into Admin again: a start unlocks the configured admin. */
@ReachflowSpringTest
class AdminUnlockTest {

    @Autowired
    AdminAccount adminAccount;

    @Autowired
    Engine engine;

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aStartUnlocksTheConfiguredAdmin(CapturedOutput output) {
        IdentityService identity = engine.processEngine().getIdentityService();
        try {
            assertThat(identity.checkPassword("demo", "guessed")).isFalse();
            assertThat(attempts(identity)).as("counted, and locked for a while").isEqualTo(1);

            adminAccount.unlockTheAdmin();

            assertThat(attempts(identity)).isZero();
            assertThat(identity.checkPassword("demo", "demo")).isTrue();
            assertThat(output.getOut()).contains("The admin demo was locked after 1 failed login(s) in a row (until ")
                    .contains("unlocked at this start");
        } finally {
            identity.unlockUser("demo");
        }
    }

    /** A lock long over (3 s after a first failure) is no news: the count starts afresh, without a warning. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aStartCountsAfreshWithoutAWarningWhenTheLockIsOver(CapturedOutput output) {
        IdentityService identity = engine.processEngine().getIdentityService();
        try {
            assertThat(identity.checkPassword("demo", "guessed")).isFalse();
            ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(1))));

            Logs.atInfo(AdminAccount.class, adminAccount::unlockTheAdmin);

            assertThat(attempts(identity)).isZero();
            assertThat(output.getOut())
                    .contains("INFO", "The admin demo had 1 failed login(s) in a row, no longer locked: counted afresh")
                    .doesNotContain("unlocked at this start");
        } finally {
            ClockUtil.reset();
            identity.unlockUser("demo");
        }
    }

    /** Ten failures lock the admin for good, whatever the lock's expiry says: that is a warning at any later start. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aStartWarnsOfAnAdminLockedForGood(CapturedOutput output) {
        IdentityService identity = engine.processEngine().getIdentityService();
        try {
            for (int attempt = 0; attempt < 10; attempt++) {
                ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(2L * attempt))));
                assertThat(identity.checkPassword("demo", "guessed")).isFalse();
            }
            ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofHours(1))));
            assertThat(identity.checkPassword("demo", "demo")).as("locked for good").isFalse();

            adminAccount.unlockTheAdmin();

            assertThat(output.getOut())
                    .contains("The admin demo was locked for good after 10 failed logins in a row: unlocked at this "
                            + "start")
                    .doesNotContain("no longer locked");
            assertThat(identity.checkPassword("demo", "demo")).isTrue();
        } finally {
            ClockUtil.reset();
            identity.unlockUser("demo");
        }
    }

    /**
     * A trial's database used for production: the demo's users that still have the demo password get a random one,
     * any other password is left as it is (here on new users, as the shared demo users must keep theirs).
     */
    @Test
    void aStartOutsideTheDemoRetiresTheDemoPassword() {
        IdentityService identity = engine.processEngine().getIdentityService();
        String trial = "trial-" + HttpJson.uniqueWord();
        String own = "own-" + HttpJson.uniqueWord();
        for (String[] user : new String[][] {{trial, "demo"}, {own, "Own-pass-1!"}}) {
            User created = identity.newUser(user[0]);
            created.setPassword(user[1]);
            identity.saveUser(created);
        }

        List<String> retired = AdminAccount.retireDemoPasswords(identity, ((ProcessEngineImpl) engine.processEngine())
                .getProcessEngineConfiguration().getPasswordManager(),
                List.of(trial, own, "nobody-" + HttpJson.uniqueWord()));

        assertThat(retired).containsExactly(trial);
        assertThat(identity.checkPassword(trial, "demo")).isFalse();
        identity.unlockUser(trial);
        assertThat(identity.checkPassword(own, "Own-pass-1!")).isTrue();
    }

    private static int attempts(IdentityService identity) {
        return ((UserEntity) identity.createUserQuery().userId("demo").singleResult()).getAttempts();
    }
}
