package io.reachflow.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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

    /** Executes every job that is due now (and those it creates) until none is left. */
    public int runDueJobs() {
        ManagementService management = processEngine.getManagementService();
        int executed = 0;
        while (true) {
            List<Job> due = management.createJobQuery().executable().list();
            if (due.isEmpty()) {
                return executed;
            }
            for (Job job : due) {
                management.executeJob(job.getId());
                if (++executed > MAX_JOBS) {
                    throw new IllegalStateException("More than " + MAX_JOBS + " jobs: a loop?");
                }
            }
        }
    }

    /** Moves the engine's (and so the application's) clock forward. */
    public void advance(Duration duration) {
        ClockUtil.setCurrentTime(Date.from(now().plus(duration)));
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
