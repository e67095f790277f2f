package io.reachflow.system;

import io.reachflow.delivery.DeliveryDeferredException;
import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DefaultJobRetryCmd;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.springframework.stereotype.Component;

/**
 * Lets a failed job wait as long as its failure asks for: when a delivery batch fails with a
 * {@link DeliveryDeferredException} that says when its recipients are due again (a provider's {@code Retry-After},
 * or the pause after a temporary failure), the retry is due no earlier than that. Everything else about failed jobs is the engine's own: the retry cycle of the activity
 * ({@code camunda:failedJobRetryTimeCycle}), the retries counted down, and an incident once none is left.
 */
@Component
public class RetryAfterPlugin extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setFailedJobCommandFactory(RetryAfterCommand::new);
    }

    static final class RetryAfterCommand extends DefaultJobRetryCmd {

        RetryAfterCommand(String jobId, Throwable exception) {
            super(jobId, exception);
        }

        @Override
        protected void executeCustomStrategy(CommandContext commandContext, JobEntity job, ActivityImpl activity)
                throws Exception {
            super.executeCustomStrategy(commandContext, job, activity);
            Instant notBefore = notBefore(exception);
            if (notBefore == null || job.getRetries() <= 0) {
                return;
            }
            Date earliest = Date.from(notBefore);
            if (job.getDuedate() == null || job.getDuedate().before(earliest)) {
                job.setDuedate(earliest);
            }
        }

        private static Instant notBefore(Throwable exception) {
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof DeliveryDeferredException deferred) {
                    return deferred.notBefore();
                }
            }
            return null;
        }
    }
}
