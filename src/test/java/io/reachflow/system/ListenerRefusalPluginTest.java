package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.junit.jupiter.api.Test;

/**
 * What reaches the engine API's callers: a listener's refusal unwrapped, a refused password and a Java-serialized
 * variable as their mistake.
 */
class ListenerRefusalPluginTest {

    @Test
    void aListenersRefusalIsUnwrappedAndAPasswordThePolicyRefusesOrAJavaSerializedVariableIsTheCallersMistake() {
        AuthorizationException refusal = new AuthorizationException("Separation of duties: una may not decide");
        assertThat(ListenerRefusalPlugin.refusal(new ProcessEngineException("ENGINE-03051 …", refusal)))
                .isSameAs(refusal);

        RuntimeException password = ListenerRefusalPlugin.refusal(
                new ProcessEngineException("Password does not match policy"));
        assertThat(password).isInstanceOf(BadUserRequestException.class)
                .hasMessageStartingWith("Password does not match policy: at least 10 characters");

        RuntimeException serialized = ListenerRefusalPlugin.refusal(new ProcessEngineException(
                "ENGINE-17007 Cannot set variable with name approved. Java serialization format is prohibited"));
        assertThat(serialized).isInstanceOf(FormFieldValidationException.class)
                .hasMessage("Cannot set variable with name approved. Java serialization format is prohibited");

        ProcessEngineException other = new ProcessEngineException("something else");
        assertThat(ListenerRefusalPlugin.refusal(other)).isSameAs(other);
    }
}
