package io.reachflow.system;

import io.reachflow.delivery.DeliveryDeferredException;
import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DefaultJobRetryCmd;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper.ExceptionLoggingHandler;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Lets a failed job wait as long as its failure asks for: when a delivery batch fails with a
 * {@link DeliveryDeferredException} that says when its recipients are due again (a provider's {@code Retry-After},
 * or the pause after a temporary failure), the retry is due no earlier than that, and a line says when, with the task,
 * push and batch. Everything else about failed jobs is the engine's own: the retry cycle of the activity
 * ({@code camunda:failedJobRetryTimeCycle}), the retries counted down, and an incident once none is left.
 */
@Component
public class RetryAfterPlugin extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setFailedJobCommandFactory(RetryAfterCommand::new);
        // the job executor's own warning of a failed job (ENGINE-14006) names only the job, over several lines; of a
        // delivery waiting on its provider the line below says it all, with the task: one line per attempt, not two
        // (a provider outage logged two warnings per batch per attempt). Any other failure keeps the engine's.
        ExceptionLoggingHandler engines = ExecuteJobHelper.LOGGING_HANDLER;
        if (!(engines instanceof OneLinePerDeferral)) {
            ExecuteJobHelper.LOGGING_HANDLER = new OneLinePerDeferral(engines);
        }
    }

    /** The engine's logging of failed jobs, but for deliveries deferred by their provider. */
    record OneLinePerDeferral(ExceptionLoggingHandler engines) implements ExceptionLoggingHandler {

        @Override
        public void exceptionWhileExecutingJob(String jobId, Throwable exception) {
            if (RetryAfterCommand.deferred(exception) == null) {
                engines.exceptionWhileExecutingJob(jobId, exception);
            }
        }
    }

    static final class RetryAfterCommand extends DefaultJobRetryCmd {

        private static final Logger log = LoggerFactory.getLogger(RetryAfterPlugin.class);

        RetryAfterCommand(String jobId, Throwable exception) {
            super(jobId, exception);
        }

        @Override
        protected void executeCustomStrategy(CommandContext commandContext, JobEntity job, ActivityImpl activity)
                throws Exception {
            super.executeCustomStrategy(commandContext, job, activity);
            DeliveryDeferredException deferred = deferred(exception);
            if (deferred == null) {
                return;
            }
            Instant notBefore = deferred.notBefore();
            if (notBefore != null && job.getRetries() > 0) {
                Date earliest = Date.from(notBefore);
                if (job.getDuedate() == null || job.getDuedate().before(earliest)) {
                    job.setDuedate(earliest);
                }
            }
            // one line per attempt, with the task (the engine's own warning is not logged: OneLinePerDeferral)
            if (job.getRetries() > 0) {
                log.warn("{}; tried again {} ({} {} left)", deferred.getMessage(), job.getDuedate() == null
                                ? "when a job executor takes it" : "at " + job.getDuedate().toInstant(),
                        job.getRetries(), job.getRetries() == 1 ? "retry" : "retries");
            } else {
                log.warn("{}; no retry left: an incident waits for an admin (Cockpit)", deferred.getMessage());
            }
        }

        private static DeliveryDeferredException deferred(Throwable exception) {
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof DeliveryDeferredException deferred) {
                    return deferred;
                }
            }
            return null;
        }
    }
}
