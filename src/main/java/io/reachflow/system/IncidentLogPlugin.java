package io.reachflow.system;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.incident.IncidentContext;
import org.camunda.bpm.engine.impl.incident.IncidentHandler;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.runtime.Incident;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs each incident of a failed job with the task it stops, at ERROR when it is raised: a delivery batch, a test
 * round or a plan failed through all its retries and waits for an admin. The engine's own handler still records
 * it; this one is added beside it (composite incident handlers).
 */
@Component
public class IncidentLogPlugin extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(IncidentLogPlugin.class);

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setCompositeIncidentHandlersEnabled(true);
        List<IncidentHandler> handlers = new ArrayList<>();
        if (configuration.getCustomIncidentHandlers() != null) {
            handlers.addAll(configuration.getCustomIncidentHandlers());
        }
        handlers.add(new Logging());
        configuration.setCustomIncidentHandlers(handlers);
    }

    static final class Logging implements IncidentHandler {

        @Override
        public String getIncidentHandlerType() {
            return Incident.FAILED_JOB_HANDLER_TYPE;
        }

        @Override
        public Incident handleIncident(IncidentContext context, String message) {
            ExecutionEntity execution = context.getExecutionId() == null ? null
                    : Context.getCommandContext().getExecutionManager().findExecutionById(context.getExecutionId());
            log.error("{}: {} failed through all its retries and waits for an admin (Cockpit, process instance {}): {}",
                    task(execution), activity(execution, context.getActivityId()),
                    execution == null ? "unknown" : execution.getProcessInstanceId(), message);
            return null;
        }

        @Override
        public void resolveIncident(IncidentContext context) {
            // called for every job that succeeds or gets retries, incident or not: the API shows what is resolved
        }

        @Override
        public void deleteIncident(IncidentContext context) {
            // deleted with its process instance, or its job: nothing is stuck any more, and nothing to tell
        }

        private static String task(ExecutionEntity execution) {
            return execution == null || execution.getProcessBusinessKey() == null
                    ? "No task" : "Task " + execution.getProcessBusinessKey();
        }

        private static String activity(ExecutionEntity execution, String activityId) {
            ActivityImpl activity = execution == null || activityId == null
                    ? null : execution.getProcessDefinition().findActivity(activityId);
            String name = activity == null ? null : (String) activity.getProperty("name");
            return "'" + (name == null ? activityId : name) + "'";
        }
    }
}
