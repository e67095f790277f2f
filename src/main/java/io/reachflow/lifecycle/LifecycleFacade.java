package io.reachflow.lifecycle;

import io.reachflow.delivery.DeliveryDeferredException;
import io.reachflow.review.ReviewProcess;
import io.reachflow.review.ReviewVariables;
import io.reachflow.system.ListenerRefusalPlugin;
import io.reachflow.task.IllegalTransitionException;
import io.reachflow.task.TaskAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskAlreadyClaimedException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.TransitionInstance;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.ServiceImpl;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.IdentityLinkType;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place that talks to the engine's runtime for a task: starts its lifecycle, sends it operator messages
 * and completes its review work. Everything else calls this facade.
 */
@Component
public class LifecycleFacade {

    private static final Logger log = LoggerFactory.getLogger(LifecycleFacade.class);

    private final RuntimeService runtimeService;
    private final TaskService taskService;
    private final IdentityService identityService;

    private final RepositoryService repositoryService;
    private final ManagementService managementService;
    private final Clock clock;

    public LifecycleFacade(RuntimeService runtimeService, TaskService taskService, IdentityService identityService,
                           RepositoryService repositoryService, ManagementService managementService, Clock clock) {
        this.runtimeService = runtimeService;
        this.taskService = taskService;
        this.identityService = identityService;
        this.repositoryService = repositoryService;
        this.managementService = managementService;
        this.clock = clock;
    }

    /**
     * Where the task's processes (its lifecycle, review and deliveries) are stuck: the engine's open incidents, each
     * where it began (an incident of a called process shows once, not again in its caller), oldest first.
     */
    public List<TaskIncident> incidents(long taskId) {
        List<TaskIncident> incidents = new ArrayList<>();
        for (ProcessInstance stuck : runtimeService.createProcessInstanceQuery()
                .processInstanceBusinessKey(String.valueOf(taskId)).withIncident().list()) {
            ProcessDefinition definition = repositoryService.getProcessDefinition(stuck.getProcessDefinitionId());
            Object pushId = DeliveryProcess.KEY.equals(definition.getKey())
                    ? runtimeService.getVariable(stuck.getId(), DeliveryProcess.PUSH_ID) : null;
            for (Incident incident : runtimeService.createIncidentQuery().processInstanceId(stuck.getId()).list()) {
                if (incident.getId().equals(incident.getRootCauseIncidentId())) {
                    incidents.add(new TaskIncident(incident.getId(), definition.getKey(), incident.getActivityId(),
                            activityName(definition, incident.getActivityId()), operatorsMessage(incident),
                            incident.getIncidentTimestamp().toInstant(), (Long) pushId, stuck.getId()));
                }
            }
        }
        incidents.sort(Comparator.comparing(TaskIncident::since));
        return incidents;
    }

    /** How many incidents one of a task's process instances (a push's delivery, say) has open. */
    public long openIncidents(String processInstanceId) {
        return runtimeService.createIncidentQuery().processInstanceId(processInstanceId).count();
    }

    /**
     * After an operator's pause or complete, which stopped the task's pushes: its deliveries stuck in an incident (a
     * job that failed through all its retries) get one more try, as an admin's retry in Cockpit would. They find
     * their push paused or called off, send nothing and end (a resume sends the rest in a delivery of its own); left
     * alone they would wait in Cockpit, and count as open incidents, for deliveries that are over. Takes effect when
     * the pause or complete commits.
     */
    public void retryStuckDeliveries(long taskId, TaskAction stoppedBy) {
        for (ProcessInstance stuck : runtimeService.createProcessInstanceQuery().processDefinitionKey(DeliveryProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(taskId)).withIncident().list()) {
            List<Job> failed = managementService.createJobQuery().processInstanceId(stuck.getId()).noRetriesLeft().list();
            for (Job job : failed) {
                // due now: its last failure left it due at the next retry's time, minutes or hours away
                managementService.setJobRetries(1).jobId(job.getId()).dueDate(Date.from(clock.instant())).execute();
            }
            // one line per delivery, not per stuck batch (a push through a provider that is down may have many)
            if (!failed.isEmpty()) {
                log.info("Task {} {}: its delivery {} had {} job(s) stuck in an incident (the first: {}); they try "
                        + "once more, to end", taskId, stoppedBy == TaskAction.PAUSE ? "paused" : "completed",
                        stuck.getId(), failed.size(), failed.get(0).getExceptionMessage());
            }
        }
    }

    /**
     * Before a new test round, a submission or a delete: an earlier test round stuck in an incident (its job failed
     * through all its retries) is superseded, and cancelled. Left alone it would stay an open incident after the new
     * round reached the testers, and a token that keeps the lifecycle from ending; retried by an admin, it would send
     * the testers a round nobody asked for any more. Takes effect when the action commits.
     */
    public void supersedeStuckTestRounds(long taskId) {
        ProcessInstance lifecycle = runtimeService.createProcessInstanceQuery()
                .processDefinitionKey(LifecycleProcess.KEY).processInstanceBusinessKey(String.valueOf(taskId))
                .withIncident().singleResult();
        if (lifecycle == null) {
            return;
        }
        String sendTestRound = LifecycleProcess.Element.SERVICE_SEND_TEST_ROUND.id();
        List<String> stuck = managementService.createJobQuery().processInstanceId(lifecycle.getId())
                .activityId(sendTestRound).noRetriesLeft().list().stream().map(Job::getExecutionId).toList();
        if (stuck.isEmpty()) {
            return;
        }
        var modification = runtimeService.createProcessInstanceModification(lifecycle.getId());
        for (TransitionInstance waiting : runtimeService.getActivityInstance(lifecycle.getId())
                .getTransitionInstances(sendTestRound)) {
            if (stuck.contains(waiting.getExecutionId())) {
                modification.cancelTransitionInstance(waiting.getId());
            }
        }
        modification.execute();
        log.info("Task {}: {} test round(s) stuck in an incident superseded and cancelled", taskId, stuck.size());
    }

    /**
     * The incident's message where it is written for operators: a delivery waiting on its provider
     * ({@link DeliveryDeferredException}: the task, push, batch, how many wait and why). Any other failure's message
     * may name the server's insides (an SQL statement, a class), so it is only named by its kind, and an admin reads
     * it in Cockpit.
     */
    private String operatorsMessage(Incident incident) {
        String trace = null;
        if (Incident.FAILED_JOB_HANDLER_TYPE.equals(incident.getIncidentType()) && incident.getConfiguration() != null) {
            try {
                trace = managementService.getJobExceptionStacktrace(incident.getConfiguration());
            } catch (ProcessEngineException gone) {
                // the job is gone (retried meanwhile): its message is said as any other's
            }
        }
        // the exception's class alone tells it: the engine keeps the message cut short in the incident
        if (trace != null && trace.startsWith(DeliveryDeferredException.class.getName() + ":")) {
            return incident.getIncidentMessage();
        }
        String kind = trace == null ? incident.getIncidentType() : exceptionName(trace);
        return "The job failed (" + kind + "); an admin sees its cause in Cockpit, where it is retried";
    }

    /** The simple name of the exception a stack trace begins with. */
    private static String exceptionName(String trace) {
        String first = trace.lines().findFirst().orElse("");
        String name = first.contains(":") ? first.substring(0, first.indexOf(':')) : first;
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private String activityName(ProcessDefinition definition, String activityId) {
        ModelElementInstance element = repositoryService.getBpmnModelInstance(definition.getId())
                .getModelElementById(activityId);
        String name = element == null ? null : element.getAttributeValue("name");
        return name == null ? activityId : name;
    }

    public void start(long taskId) {
        runtimeService.startProcessInstanceByKey(LifecycleProcess.KEY, String.valueOf(taskId));
        log.debug("Started lifecycle of task {}", taskId);
    }

    /** Starts a live push of the task: its delivery process, on its own (business key = task id). */
    public void startDelivery(long taskId, int revision) {
        String delivery = runtimeService.startProcessInstanceByKey(DeliveryProcess.KEY, String.valueOf(taskId),
                DeliveryProcess.planning(revision)).getId();
        log.debug("Task {}: delivery {} started", taskId, delivery);
    }

    /** Starts a delivery process of the task that takes over its push {@code pushId}, which a pause stopped. */
    public void continueDelivery(long taskId, long pushId) {
        String delivery = runtimeService.startProcessInstanceByKey(DeliveryProcess.KEY, String.valueOf(taskId),
                DeliveryProcess.continuing(pushId)).getId();
        log.debug("Task {}: delivery {} started to take over push {}", taskId, delivery, pushId);
    }

    /** Tells the task's lifecycle that a push is delivered; only a ONE_TIME task's waits for it. */
    public void pushDelivered(long taskId) {
        int told = runtimeService.createMessageCorrelation(LifecycleProcess.MESSAGE_PUSH_DELIVERED)
                .processInstanceBusinessKey(String.valueOf(taskId))
                .correlateAllWithResult().size();
        log.debug("Task {}: push delivered, {} waiting lifecycle told", taskId, told);
    }

    /**
     * Delivers an operator's message to the task's lifecycle. The model only waits for a message where the
     * action is allowed, so a message nobody waits for is a refused transition, not a server error.
     */
    public void send(long taskId, LifecycleProcess.Message message) {
        send(taskId, message, null);
    }

    /** As {@link #send(long, LifecycleProcess.Message)}, with the operator's comment for the steps it starts. */
    public void send(long taskId, LifecycleProcess.Message message, String comment) {
        try {
            var correlation = runtimeService.createMessageCorrelation(message.messageName())
                    .processInstanceBusinessKey(String.valueOf(taskId));
            if (comment != null) {
                correlation.setVariable(LifecycleVariables.ACTION_COMMENT, Variables.stringValue(comment, true));
            }
            correlation.correlateWithResult();
        } catch (MismatchingMessageCorrelationException e) {
            throw new IllegalTransitionException(
                    "The lifecycle of task " + taskId + " does not accept " + message.messageName() + " now");
        }
        log.debug("Task {}: {} delivered to its lifecycle", taskId, message.messageName());
    }

    /** The review work that is open for the task, if it is under review. */
    public Optional<Task> openReviewTask(long taskId) {
        return taskService.createTaskQuery()
                .processDefinitionKey(ReviewProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(taskId))
                .active()
                .list()
                .stream()
                .findFirst();
    }

    private List<String> candidateGroups(Task work) {
        return taskService.getIdentityLinksForTask(work.getId()).stream()
                .filter(link -> IdentityLinkType.CANDIDATE.equals(link.getType()) && link.getGroupId() != null)
                .map(IdentityLink::getGroupId)
                .sorted()
                .toList();
    }

    /**
     * Runs the engine calls in one command: they share its entity cache and its flush, so that a claim and the
     * completion after it read the work, its execution and its identity links once, and the claim's updates of the
     * work and its history go into the completion's (14 statements fewer than two commands, by
     * {@code bench/run --parts=c}). A call's exception ends the command as it would have ended its own.
     */
    private void inOneCommand(Runnable calls) {
        ((ServiceImpl) taskService).getCommandExecutor().execute(context -> {
            calls.run();
            return null;
        });
    }

    /**
     * Decides the open review work as {@code reviewer} would in Tasklist: with the reviewer authenticated to the
     * engine, so its authorizations and the separation-of-duties listener judge this call exactly as they judge
     * Tasklist and {@code /engine-rest}. Only the work {@code seenWork} names (what was open before the request
     * waited for the task) is decided: another decision (the first level's) that came first opened the senior
     * level's, which the caller has not seen.
     */
    public void decideReview(long taskId, String reviewer, List<String> groups, boolean approved, String comment,
                             String seenWork) {
        Task work = openReviewTask(taskId)
                .orElseThrow(() -> new IllegalTransitionException("Task " + taskId + " has no open review work"));
        if (seenWork != null && !seenWork.equals(work.getId())) {
            throw new IllegalTransitionException("The review of task " + taskId + " moved on to '" + work.getName()
                    + "' while this request waited for another decision: read the task again");
        }
        identityService.setAuthentication(reviewer, groups);
        try {
            if (work.getAssignee() != null && !work.getAssignee().equals(reviewer)) {
                throw new IllegalTransitionException("The review of task " + taskId + " is claimed by " + work.getAssignee());
            }
            inOneCommand(() -> {
                if (work.getAssignee() == null) {
                    taskService.claim(work.getId(), reviewer);
                }
                taskService.complete(work.getId(), ReviewVariables.decision(approved, comment));
            });
        } catch (TaskAlreadyClaimedException claimed) {
            throw new IllegalTransitionException("The review of task " + taskId + " was claimed by someone else "
                    + "meanwhile: read the task again");
        } catch (NullValueException gone) {
            if (!ListenerRefusalPlugin.isWorkGone(gone)) {
                throw gone;
            }
            // decided by another reviewer, withdrawn or timed out since it was found: not this reviewer's to decide now
            throw new IllegalTransitionException("The review of task " + taskId + " was decided, withdrawn or timed "
                    + "out meanwhile: read the task again");
        } catch (AuthorizationException e) {
            if (e.getMissingAuthorizations().isEmpty()) {
                throw e; // the separation-of-duties listener's own refusal, which says why
            }
            // the engine's: the work was never shared with the reviewer, or was hidden from them
            identityService.clearAuthentication();
            throw new AuthorizationException(reviewer + " may not decide the review of task " + taskId + ": it is "
                    + "for the members of " + candidateGroups(work) + ", and never for the task's creator, its "
                    + "submitter, whoever edited it since its last approval, or its first level's reviewer "
                    + "(separation of duties)");
        } finally {
            identityService.clearAuthentication();
        }
    }
}
