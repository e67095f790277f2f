package io.reachflow.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.boot.test.context.TestComponent;

/** Drives the engine in tests: runs due jobs, moves the clock, finds a task's process instances. */
@TestComponent
public class Engine {

    private static final int MAX_JOBS = 200;

    private final ProcessEngine processEngine;

    public Engine(ProcessEngine processEngine) {
        this.processEngine = processEngine;
    }

    public ProcessEngine processEngine() {
        return processEngine;
    }

    /**
     * Executes every job of the task's processes (its lifecycle and its reviews) that is due now, and those they
     * create, until none is left. Scoped to one task because the application context, and so the engine, is
     * shared by all tests: other tests' timers must not fire here when the clock moves.
     */
    public int runDueJobs(long taskId) {
        return runDueJobsExcept(taskId, null);
    }

    /** As {@link #runDueJobs(long)}, but leaves the jobs of activity {@code activityId} waiting. */
    public int runDueJobsExcept(long taskId, String activityId) {
        return runDueJobs(() -> {
            List<String> instances = processEngine.getRuntimeService().createProcessInstanceQuery()
                    .processInstanceBusinessKey(String.valueOf(taskId)).list().stream()
                    .map(ProcessInstance::getId).toList();
            ManagementService management = processEngine.getManagementService();
            List<String> left = activityId == null ? List.of() : instances.stream()
                    .flatMap(instance -> management.createJobQuery().processInstanceId(instance).activityId(activityId)
                            .list().stream())
                    .map(Job::getId).toList();
            return instances.stream()
                    .flatMap(instance -> management.createJobQuery().processInstanceId(instance).executable().list()
                            .stream())
                    .filter(job -> !left.contains(job.getId()))
                    .findFirst();
        });
    }

    /** Executes every due job of every process. Only for tests that do not move the clock. */
    public int runDueJobs() {
        return runDueJobs(() -> processEngine.getManagementService().createJobQuery().executable()
                .listPage(0, 1).stream().findFirst());
    }

    private int runDueJobs(Supplier<Optional<Job>> nextDueJob) {
        ManagementService management = processEngine.getManagementService();
        int executed = 0;
        for (Optional<Job> job = nextDueJob.get(); job.isPresent(); job = nextDueJob.get()) {
            management.executeJob(job.get().getId());
            if (++executed > MAX_JOBS) {
                throw new IllegalStateException("More than " + MAX_JOBS + " jobs: a loop?");
            }
        }
        return executed;
    }

    /** When the timer {@code activityId} of the task's lifecycle is due. */
    public Instant lifecycleTimerDue(long taskId, String activityId) {
        return processEngine.getManagementService().createJobQuery().processInstanceId(lifecycle(taskId).getId())
                .activityId(activityId).singleResult().getDuedate().toInstant();
    }

    /** Moves the engine's (and so the application's) clock forward. */
    public void advance(Duration duration) {
        ClockUtil.setCurrentTime(Date.from(now().plus(duration)));
    }

    /** Sets the engine's (and so the application's) clock to this time; it stands still until reset. */
    public void setTime(Instant time) {
        ClockUtil.setCurrentTime(Date.from(time));
    }

    public Instant now() {
        return ClockUtil.getCurrentTime().toInstant();
    }

    public void resetClock() {
        ClockUtil.reset();
    }

    public ProcessInstance lifecycle(long taskId) {
        RuntimeService runtime = processEngine.getRuntimeService();
        return runtime.createProcessInstanceQuery()
                .processDefinitionKey(io.reachflow.lifecycle.LifecycleProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(taskId))
                .singleResult();
    }

    public ProcessInstance review(long taskId) {
        RuntimeService runtime = processEngine.getRuntimeService();
        return runtime.createProcessInstanceQuery()
                .processDefinitionKey(io.reachflow.review.ReviewProcess.KEY)
                .processInstanceBusinessKey(String.valueOf(taskId))
                .singleResult();
    }
}
