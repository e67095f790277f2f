package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.Test;

/** What reaches the engine API's callers: a listener's refusal unwrapped, a refused password as their mistake. */
class ListenerRefusalPluginTest {

    @Test
    void aListenersRefusalIsUnwrappedAndAPasswordThePolicyRefusesIsTheCallersMistake() {
        AuthorizationException refusal = new AuthorizationException("Separation of duties: una may not decide");
        assertThat(ListenerRefusalPlugin.refusal(new ProcessEngineException("ENGINE-03051 …", refusal)))
                .isSameAs(refusal);

        RuntimeException password = ListenerRefusalPlugin.refusal(
                new ProcessEngineException("Password does not match policy"));
        assertThat(password).isInstanceOf(BadUserRequestException.class)
                .hasMessageStartingWith("Password does not match policy: at least 10 characters");

        ProcessEngineException other = new ProcessEngineException("something else");
        assertThat(ListenerRefusalPlugin.refusal(other)).isSameAs(other);
    }
}
