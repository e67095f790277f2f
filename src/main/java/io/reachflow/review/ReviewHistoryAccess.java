package io.reachflow.review;

import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricTaskPermissions;
import org.camunda.bpm.engine.authorization.Resources;
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
 * Tasklist's comments and History tab read: at the start, each such open work gets, on its history, what it has on
 * itself (READ for whoever may work on it, a revoke for whoever was excluded from it), as the engine and
 * {@link SeparationOfDutiesListener} give new work. Saved once its history is written, each ends with that history.
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
            if (authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                    .resourceId(work.getId()).count() > 0) {
                continue;
            }
            try {
                // all of a work's or none: a start cut off half way leaves none, and the next start gives them
                transactions.executeWithoutResult(status -> {
                    for (Authorization onWork : authorizations.createAuthorizationQuery()
                            .resourceType(Resources.TASK).resourceId(work.getId()).list()) {
                        authorizations.saveAuthorization(onHistory(authorizations, onWork));
                    }
                });
                granted++;
            } catch (ProcessEngineException anotherNodeFirst) {
                // the same authorization twice (a second node starting at the same time) is a unique key's
                // violation; the work's history keeps the other node's grants
                log.info("Review work {}: its history's grants not given here ({})", work.getId(),
                        anotherNodeFirst.getMessage());
            }
        }
        if (granted > 0) {
            log.info("Review work: {} open ones opened before reviewers could read review history now can",
                    granted);
        }
    }

    /** The same grant or revoke on the work's history: READ for a grant, everything for a revoke. */
    private static Authorization onHistory(AuthorizationService authorizations, Authorization onWork) {
        Authorization history = authorizations.createNewAuthorization(onWork.getAuthorizationType());
        history.setResource(Resources.HISTORIC_TASK);
        history.setResourceId(onWork.getResourceId());
        history.setUserId(onWork.getUserId());
        history.setGroupId(onWork.getGroupId());
        if (onWork.getAuthorizationType() == Authorization.AUTH_TYPE_REVOKE) {
            history.removePermission(HistoricTaskPermissions.ALL);
        } else {
            history.addPermission(HistoricTaskPermissions.READ);
        }
        return history;
    }
}
