package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Outside the demo profile, the configured admin must have a password of its own. */
class AdminAccountTest {

    @Test
    void refusesAnAdminWithoutAPasswordOfItsOwnOutsideTheDemo() {
        for (String password : new String[] {null, "", "  ", "${REACHFLOW_ADMIN_PASSWORD}", "admin"}) {
            assertThatThrownBy(() -> account("postgres", password).preInit(null)).as("password %s", password)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("REACHFLOW_ADMIN_PASSWORD");
        }
        assertThatCode(() -> account("postgres", "S3cret-enough").preInit(null)).doesNotThrowAnyException();
        assertThatCode(() -> account("postgres,demo", "demo").preInit(null)).doesNotThrowAnyException();
    }

    private static AdminAccount account(String profiles, String password) {
        CamundaBpmProperties camunda = new CamundaBpmProperties();
        camunda.getAdminUser().setId("admin");
        camunda.getAdminUser().setPassword(password);
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles(profiles.split(","));
        return new AdminAccount(camunda, (ProcessEngine) null, environment);
    }
}
