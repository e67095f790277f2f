package io.reachflow.review;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricTaskPermissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Review work opened before the engine's historic instance permissions were on has no grant on its history, which
 * Tasklist's comments and History tab read (or only its claimant's, given by a claim since): at the start, each
 * open work gets on its history what it lacks of what it has on itself (READ for whoever may work on it, a revoke
 * for whoever was excluded from it), as the engine and {@link SeparationOfDutiesListener} give new work. Saved once
 * its history is written, each ends with that history. Two queries per open work at each start.
 */
@Component
class ReviewHistoryAccess {

    private static final Logger log = LoggerFactory.getLogger(ReviewHistoryAccess.class);

    private final ProcessEngine engine;
    private final TransactionTemplate transactions;

    ReviewHistoryAccess(ProcessEngine engine, PlatformTransactionManager transactionManager) {
        this.engine = engine;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @EventListener(ApplicationReadyEvent.class)
    void grantOpenWorksHistory() {
        AuthorizationService authorizations = engine.getAuthorizationService();
        List<Task> open = engine.getTaskService().createTaskQuery().processDefinitionKey(ReviewProcess.KEY).list();
        int granted = 0;
        for (Task work : open) {
            try {
                // all of a work's or none: a start cut off half way leaves none, and the next start gives them
                Integer given = transactions.execute(status -> mirror(authorizations, work.getId()));
                granted += given == null || given == 0 ? 0 : 1;
            } catch (ProcessEngineException failed) {
                // e.g. the same grant given at the same time by another node starting, or by a claim
                log.warn("Review work {}: grants on its history not given at this start ({}); the next start tries "
                        + "again", work.getId(), failed.getMessage());
            }
        }
        if (granted > 0) {
            log.info("Review work: {} open ones opened before reviewers could read review history now can", granted);
        }
    }

    /**
     * Gives the work's history what the work has and its history lacks: READ for whoever is granted something on the
     * work, a revoke of READ for whoever is revoked READ on it. Some may be there already (a claim since gives the
     * claimant its grant). Returns how many it gave.
     */
    private int mirror(AuthorizationService authorizations, String workId) {
        Map<String, Authorization> onHistory = new HashMap<>();
        for (Authorization existing : authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(workId).list()) {
            onHistory.put(key(existing), existing);
        }
        int given = 0;
        for (Authorization onWork : authorizations.createAuthorizationQuery().resourceType(Resources.TASK)
                .resourceId(workId).list()) {
            boolean grant = onWork.getAuthorizationType() == Authorization.AUTH_TYPE_GRANT;
            if (grant ? !grantsSomething(onWork) : !onWork.isPermissionRevoked(TaskPermissions.READ)) {
                continue;
            }
            Authorization history = onHistory.get(key(onWork));
            if (history == null) {
                history = authorizations.createNewAuthorization(onWork.getAuthorizationType());
                history.setResource(Resources.HISTORIC_TASK);
                history.setResourceId(workId);
                history.setUserId(onWork.getUserId());
                history.setGroupId(onWork.getGroupId());
            } else if (grant ? history.isPermissionGranted(HistoricTaskPermissions.READ)
                    : history.isPermissionRevoked(HistoricTaskPermissions.READ)) {
                continue;
            }
            if (grant) {
                history.addPermission(HistoricTaskPermissions.READ);
            } else {
                history.removePermission(HistoricTaskPermissions.READ);
            }
            authorizations.saveAuthorization(history);
            given++;
        }
        return given;
    }

    /** A grant that lets its user or group see the work or work on it. */
    private static boolean grantsSomething(Authorization grant) {
        return grant.isPermissionGranted(TaskPermissions.READ) || grant.isPermissionGranted(TaskPermissions.TASK_WORK)
                || grant.isPermissionGranted(TaskPermissions.UPDATE);
    }

    /** Whose authorization of which type it is (one of each per resource, as the engine keys them). */
    private static String key(Authorization authorization) {
        return authorization.getAuthorizationType() + "/" + authorization.getUserId() + "/"
                + authorization.getGroupId();
    }
}
