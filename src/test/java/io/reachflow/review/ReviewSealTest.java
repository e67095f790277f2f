package io.reachflow.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricTaskPermissions;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Review work opened before seals existed is sealed at the start, and its grants brought down to TASK_WORK; work
 * opened before review history was readable gets grants on its history.
 */
@ReachflowSpringTest
class ReviewSealTest {

    @Autowired
    ReviewSeal seal;

    @Autowired
    ReviewHistoryAccess historyAccess;

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @Autowired
    JdbcTemplate jdbc;

    /**
     * Open work of a release before review history was readable has no grant on its history: at the start it gets
     * what it has on itself, the candidate group's READ and the excluded creator's revoke, ending with its history.
     */
    @Test
    void givesOpenWorkOfAnEarlierReleaseItsHistorysGrants() {
        Task work = openWorkOfAnEarlierRelease();
        AuthorizationService authorizations = engine.processEngine().getAuthorizationService();

        historyAccess.grantOpenWorksHistory();

        Authorization group = authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).groupIdIn("reviewers").singleResult();
        Authorization creator = authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).userIdIn(Fixtures.OPERATOR).singleResult();
        assertThat(group.getAuthorizationType()).isEqualTo(Authorization.AUTH_TYPE_GRANT);
        assertThat(group.isPermissionGranted(HistoricTaskPermissions.READ)).isTrue();
        assertThat(creator.getAuthorizationType()).isEqualTo(Authorization.AUTH_TYPE_REVOKE);
        assertThat(creator.isPermissionRevoked(HistoricTaskPermissions.READ)).isTrue();
        assertThat(group.getRootProcessInstanceId()).isNotNull().isEqualTo(creator.getRootProcessInstanceId());
        long count = authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).count();

        historyAccess.grantOpenWorksHistory();

        assertThat(authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).count()).as("given once").isEqualTo(count);
    }

    /** Open work claimed since (its claimant has a grant on its history) still gets the rest of its grants. */
    @Test
    void completesTheHistorysGrantsOfOpenWorkClaimedSince() {
        Task work = openWorkOfAnEarlierRelease();
        AuthorizationService authorizations = engine.processEngine().getAuthorizationService();
        engine.processEngine().getTaskService().claim(work.getId(), Fixtures.REVIEWER);
        assertThat(authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).userIdIn(Fixtures.REVIEWER).count()).as("the claim's grant").isEqualTo(1);

        historyAccess.grantOpenWorksHistory();

        assertThat(authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).groupIdIn("reviewers").singleResult()
                .isPermissionGranted(HistoricTaskPermissions.READ)).isTrue();
        assertThat(authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK)
                .resourceId(work.getId()).userIdIn(Fixtures.OPERATOR).singleResult()
                .isPermissionRevoked(HistoricTaskPermissions.READ)).isTrue();
    }

    @Test
    void sealsOpenWorkThatHasNoSealAtTheStartAndLetsGoOfSealsWithoutWork() {
        OperationTask task = fixtures.underReview(Fixtures.manualInApp());
        Task work = openWork(task);
        // as it was before seals: no seal, and the engine's former default grant, UPDATE, to the candidate group
        jdbc.update("delete from review_seal where work_id = ?", work.getId());
        jdbc.update("insert into review_seal (work_id, variables, sealed_at) values ('gone', 'x=y', current_timestamp)");
        Authorization grant = engine.processEngine().getAuthorizationService().createAuthorizationQuery()
                .resourceType(Resources.TASK).resourceId(work.getId()).groupIdIn("reviewers").singleResult();
        grant.addPermission(Permissions.UPDATE);
        engine.processEngine().getAuthorizationService().saveAuthorization(grant);

        seal.sealOpenWork();

        assertThat(jdbc.queryForList("select work_id from review_seal where work_id in (?, 'gone')", String.class,
                work.getId())).containsExactly(work.getId());
        Authorization now = engine.processEngine().getAuthorizationService().createAuthorizationQuery()
                .resourceType(Resources.TASK).resourceId(work.getId()).groupIdIn("reviewers").singleResult();
        assertThat(now.isPermissionGranted(Permissions.UPDATE)).isFalse();
        assertThat(now.isPermissionGranted(TaskPermissions.TASK_WORK)).isTrue();
        engine.processEngine().getIdentityService().setAuthentication(Fixtures.REVIEWER, List.of("reviewers"));
        try {
            engine.processEngine().getTaskService().claim(work.getId(), Fixtures.REVIEWER);
            assertThatThrownBy(() -> engine.processEngine().getTaskService().complete(work.getId(),
                    Map.of(ReviewVariables.APPROVED, true, ReviewVariables.REVIEW_LEVELS, 0)))
                    .isInstanceOf(AuthorizationException.class).hasMessageContaining("may not set reviewLevels");
        } finally {
            engine.processEngine().getIdentityService().clearAuthentication();
        }
    }

    /** Open review work as it was before review history was readable: no grant on its history. */
    private Task openWorkOfAnEarlierRelease() {
        Task work = openWork(fixtures.underReview(Fixtures.manualInApp()));
        AuthorizationService authorizations = engine.processEngine().getAuthorizationService();
        authorizations.createAuthorizationQuery().resourceType(Resources.HISTORIC_TASK).resourceId(work.getId())
                .list().forEach(earlier -> authorizations.deleteAuthorization(earlier.getId()));
        return work;
    }

    private Task openWork(OperationTask task) {
        return engine.processEngine().getTaskService().createTaskQuery()
                .processInstanceBusinessKey(String.valueOf(task.getId())).processDefinitionKey(ReviewProcess.KEY)
                .singleResult();
    }
}
