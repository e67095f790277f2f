package io.reachflow.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.UnlockJobCmd;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.spring.components.jobexecutor.SpringJobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Stops the engine's job executor first when the application stops, while the database and everything the jobs
 * use are still there: no more jobs are acquired; the job runs queued in its thread pool run at once, and only unlock
 * their jobs (the engine does so for a job whose executor is no longer active); the jobs running finish (a batch
 * commits its outcomes), for up to {@link #WAIT}; then the jobs its acquisition had locked but not yet queued are
 * unlocked ({@link #handBack}). Without it the thread pool was shut down with the rest of the context, after the
 * database layer: the jobs it held stayed locked for the lock time (5 minutes), so a push stalled that long after
 * every deploy. Nothing is unlocked while a job of this node may still be running: another node would run it too.
 */
@Component
class JobExecutorShutdown {

    /** How long the running jobs get to finish; a batch through a provider that runs longer is delivered again. */
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(JobExecutorShutdown.class);

    private final ProcessEngine engine;
    private final JdbcTemplate jdbc;

    JobExecutorShutdown(ProcessEngine engine, JdbcTemplate jdbc) {
        this.engine = engine;
        this.jdbc = jdbc;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void stopJobsFirst() {
        JobExecutor jobExecutor = ((ProcessEngineImpl) engine).getProcessEngineConfiguration().getJobExecutor();
        if (jobExecutor == null || !jobExecutor.isActive()) {
            return;
        }
        jobExecutor.shutdown();
        if (!(jobExecutor instanceof SpringJobExecutor spring)
                || !(spring.getTaskExecutor() instanceof ThreadPoolTaskExecutor pool)) {
            return; // no pool to wait for: what it runs may still be running, so nothing is unlocked
        }
        ThreadPoolExecutor threads = pool.getThreadPoolExecutor();
        // those queued run now, here: with the executor stopped they only unlock their jobs
        List<Runnable> queued = new ArrayList<>();
        threads.getQueue().drainTo(queued);
        queued.forEach(Runnable::run);
        int running = threads.getActiveCount();
        threads.shutdown();
        log.info("Job executor stopped: {} queued job runs handed their jobs back, {} running finish", queued.size(),
                running);
        try {
            if (!threads.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("Jobs still running after {}: they stay locked until their lock expires", WAIT);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        handBack(jobExecutor.getLockOwner());
    }

    /**
     * Unlocks the jobs this node still holds once none of its jobs runs: those its acquisition had locked but not
     * yet handed to the thread pool (it was full), which the engine keeps for its next round and never unlocks.
     */
    private void handBack(String lockOwner) {
        ProcessEngineConfigurationImpl configuration = ((ProcessEngineImpl) engine).getProcessEngineConfiguration();
        List<String> held = jdbc.queryForList("select ID_ from " + configuration.getDatabaseTablePrefix()
                + "ACT_RU_JOB where LOCK_OWNER_ = ?", String.class, lockOwner);
        for (String job : held) {
            configuration.getCommandExecutorTxRequired().execute(new UnlockJobCmd(job));
        }
        if (!held.isEmpty()) {
            log.info("{} jobs this node had acquired but not started are unlocked for the other nodes", held.size());
        }
    }
}
