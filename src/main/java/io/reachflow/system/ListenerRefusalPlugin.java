package io.reachflow.system;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.springframework.stereotype.Component;

/**
 * Lets a refusal by one of our task listeners reach the caller as itself. The engine wraps whatever a task listener
 * throws in a {@link ProcessEngineException} ({@code ENGINE-03051}), which every REST copy of the engine's API answers
 * with 500: {@code /engine-rest} and the webapps' own ({@code /camunda/api/engine}, which Tasklist calls), whose
 * exception handlers are Camunda's. Unwrapped, a separation-of-duties refusal ({@link AuthorizationException}) is a
 * 403 and a review decided without its variables ({@link FormFieldValidationException}, what Camunda's own form
 * field validators throw) a 400 with what is missing, in both, as in {@code /api}; work found gone meanwhile
 * ({@link NullValueException}, as the engine says it) a 404. The command has rolled back by
 * then: this interceptor comes before the transaction's.
 * <p>The same goes for a password the password policy refuses (a user created or changed through the engine's API
 * outside the demo): the engine says so in a bare {@link ProcessEngineException}, a 500; it is a
 * {@link BadUserRequestException}, a 400, with what the policy asks. A review decided with a variable sent
 * Java-serialized, which the engine does not read ({@code ENGINE-17007}), is a 400 as a decision without its
 * variables is.
 */
@Component
public class ListenerRefusalPlugin extends AbstractProcessEnginePlugin {

    /** The engine's whole message when the password policy refuses a password. */
    private static final String POLICY_REFUSAL = "Password does not match policy";

    /** How the engine's message begins when a command names a task that does not exist. */
    public static final String NO_SUCH_TASK = "Cannot find task with id ";

    /** The code the engine's message starts with when a variable comes Java-serialized, which it does not read. */
    private static final String JAVA_SERIALIZATION_PROHIBITED = "ENGINE-17007 ";

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setCustomPreCommandInterceptorsTxRequired(
                withUnwrapping(configuration.getCustomPreCommandInterceptorsTxRequired()));
        configuration.setCustomPreCommandInterceptorsTxRequiresNew(
                withUnwrapping(configuration.getCustomPreCommandInterceptorsTxRequiresNew()));
    }

    private static List<CommandInterceptor> withUnwrapping(List<CommandInterceptor> interceptors) {
        List<CommandInterceptor> all = new ArrayList<>();
        all.add(new Unwrapping());
        if (interceptors != null) {
            all.addAll(interceptors);
        }
        return all;
    }

    /** The refusal a listener threw, if the exception is or wraps one; else the exception itself. */
    static RuntimeException refusal(RuntimeException wrapper) {
        if (wrapper.getClass() == ProcessEngineException.class && POLICY_REFUSAL.equals(wrapper.getMessage())) {
            return new BadUserRequestException(POLICY_REFUSAL + ": " + AdminAccount.PASSWORD_POLICY, wrapper);
        }
        if (wrapper.getClass() == ProcessEngineException.class && wrapper.getMessage() != null
                && wrapper.getMessage().startsWith(JAVA_SERIALIZATION_PROHIBITED)) {
            // what the engine APIs' completions answer with 400 (a BadUserRequestException is a 500 there)
            return new FormFieldValidationException(null,
                    wrapper.getMessage().substring(JAVA_SERIALIZATION_PROHIBITED.length()), wrapper);
        }
        for (Throwable cause = wrapper; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AuthorizationException || cause instanceof FormFieldValidationException
                    || isWorkGone(cause)) {
                return (RuntimeException) cause;
            }
        }
        return wrapper;
    }

    /** Review work not found, in the engine's words (which the separation-of-duties listener also uses). */
    public static boolean isWorkGone(Throwable e) {
        return e instanceof NullValueException && e.getMessage() != null
                && e.getMessage().startsWith(NO_SUCH_TASK);
    }

    static final class Unwrapping extends CommandInterceptor {

        @Override
        public <T> T execute(Command<T> command) {
            try {
                return next.execute(command);
            } catch (ProcessEngineException e) {
                throw refusal(e);
            }
        }
    }
}
