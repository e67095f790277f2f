package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import io.reachflow.task.TaskAction;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The default run, one application on an H2 file: a job its last run had locked when it was killed is unlocked when
 * the application starts, and goes on at once, not after the lock's 5 minutes; a job this run locked is its own.
 */
@ReachflowSpringTest
class StaleJobLocksTest {

    @Autowired
    StaleJobLocks staleJobLocks;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aJobTheKilledRunHadLockedIsUnlockedAtTheStart(CapturedOutput output) {
        OperationTask killedRuns = fixtures.draft(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, killedRuns.getId(), TaskAction.TEST, null);
        OperationTask ownRuns = fixtures.draft(Fixtures.manualInApp());
        fixtures.act(Fixtures.OPERATOR, ownRuns.getId(), TaskAction.TEST, null);
        Timestamp lockExpires = Timestamp.from(Instant.now().plus(5, ChronoUnit.MINUTES));
        String ownLockOwner = ((ProcessEngineImpl) engine.processEngine()).getProcessEngineConfiguration()
                .getJobExecutor().getLockOwner();
        lock(testRound(killedRuns), "killed-run", lockExpires);
        lock(testRound(ownRuns), ownLockOwner, lockExpires);

        assertThat(staleJobLocks.handBackAtStart()).isEqualTo(1);

        assertThat(lockOwner(testRound(killedRuns))).isNull();
        assertThat(lockOwner(testRound(ownRuns))).isEqualTo(ownLockOwner);
        assertThat(output.getOut()).contains("1 jobs were still locked by the application's last run",
                "(tasks [" + killedRuns.getId() + "])");
        lock(testRound(ownRuns), null, null); // the job executor (off in the tests) would have run it
    }

    private Job testRound(OperationTask task) {
        return engine.processEngine().getManagementService().createJobQuery()
                .processInstanceId(engine.lifecycle(task.getId()).getId()).singleResult();
    }

    private void lock(Job job, String owner, Timestamp until) {
        jdbc.update("update ACT_RU_JOB set LOCK_OWNER_ = ?, LOCK_EXP_TIME_ = ? where ID_ = ?", owner, until, job.getId());
    }

    private String lockOwner(Job job) {
        return jdbc.queryForObject("select LOCK_OWNER_ from ACT_RU_JOB where ID_ = ?", String.class, job.getId());
    }
}
