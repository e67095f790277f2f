package io.reachflow.system;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.ProcessEngineImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.UnlockJobCmd;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * On H2, an embedded file that one application at a time opens, a job locked by another lock owner when the
 * application starts was locked by its last run, which was killed (kill -9, out of memory, power lost) before it could
 * hand it back ({@link JobExecutorShutdown} does on a graceful stop): it is unlocked at once. Left locked, a push cut
 * off mid-way, a test round or a one-time task's send waited for the lock to expire (5 minutes) after the restart,
 * without a word. On PostgreSQL another node may hold it, and it is left to its lock time.
 */
@Component
public class StaleJobLocks {

    private static final Logger log = LoggerFactory.getLogger(StaleJobLocks.class);

    private final ProcessEngine engine;
    private final JdbcTemplate jdbc;
    private final Database database;

    StaleJobLocks(ProcessEngine engine, JdbcTemplate jdbc, Database database) {
        this.engine = engine;
        this.jdbc = jdbc;
        this.database = database;
    }

    /** Unlocks the jobs an earlier run left locked, on H2; how many. */
    @EventListener(ApplicationReadyEvent.class)
    public int handBackAtStart() {
        if (database.isPostgres()) {
            return 0;
        }
        ProcessEngineConfigurationImpl configuration = ((ProcessEngineImpl) engine).getProcessEngineConfiguration();
        JobExecutor jobExecutor = configuration.getJobExecutor();
        String ownLockOwner = jobExecutor == null ? "" : jobExecutor.getLockOwner();
        List<Map<String, Object>> stale = jdbc.queryForList("select j.ID_ as job, e.BUSINESS_KEY_ as task from "
                + configuration.getDatabaseTablePrefix() + "ACT_RU_JOB j left join "
                + configuration.getDatabaseTablePrefix() + "ACT_RU_EXECUTION e on e.ID_ = j.PROCESS_INSTANCE_ID_ "
                + "where j.LOCK_OWNER_ is not null and j.LOCK_OWNER_ <> ?", ownLockOwner);
        for (Map<String, Object> job : stale) {
            configuration.getCommandExecutorTxRequired().execute(new UnlockJobCmd((String) job.get("job")));
        }
        if (!stale.isEmpty()) {
            TreeSet<Long> tasks = new TreeSet<>();
            stale.stream().map(job -> job.get("task")).filter(task -> task instanceof String key && key.matches("\\d+"))
                    .forEach(task -> tasks.add(Long.parseLong((String) task)));
            log.warn("{} jobs were still locked by the application's last run, which stopped without handing them "
                    + "back (killed?): unlocked, they go on now (tasks {})", stale.size(), tasks);
        }
        return stale.size();
    }
}
