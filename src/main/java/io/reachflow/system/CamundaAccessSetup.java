package io.reachflow.system;

import io.reachflow.lifecycle.LifecycleProcess;
import io.reachflow.review.ReviewProcess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.Group;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates, once, the groups and the Camunda authorizations Reachflow needs with authorization on: reviewers may
 * open Tasklist, read the review process (its diagram and form) and use the "Review work" filter. Which review
 * work they see is the engine's own candidate-group authorization, less the separation-of-duties revokes.
 */
@Component
class CamundaAccessSetup {

    static final String REVIEW_FILTER = "Review work";
    static final String MY_FILTER = "My review work";
    /**
     * What Tasklist's list shows of each review work besides its name (the briefing's variables), so that a reviewer
     * tells one operation task's review from another's without opening each.
     */
    static final List<Map<String, String>> LIST_VARIABLES = List.of(
            Map.of("name", "taskId", "label", "Task"),
            Map.of("name", "taskName", "label", "Name"),
            Map.of("name", "taskChannel", "label", "Channel"),
            Map.of("name", "estimatedAudienceSize", "label", "Audience"));
    private static final Logger log = LoggerFactory.getLogger(CamundaAccessSetup.class);

    private final IdentityService identityService;
    private final AuthorizationService authorizationService;
    private final FilterService filterService;
    private final TaskService taskService;

    CamundaAccessSetup(IdentityService identityService, AuthorizationService authorizationService,
                       FilterService filterService, TaskService taskService) {
        this.identityService = identityService;
        this.authorizationService = authorizationService;
        this.filterService = filterService;
        this.taskService = taskService;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void setUp() {
        for (String group : Groups.ALL) {
            if (identityService.createGroupQuery().groupId(group).count() == 0) {
                Group created = identityService.newGroup(group);
                created.setName(group);
                created.setType(Groups.ADMINS.equals(group) ? "SYSTEM" : "WORKFLOW");
                identityService.saveGroup(created);
                log.info("Created group {}", group);
            }
        }
        for (String reviewers : List.of(Groups.REVIEWERS, Groups.SENIOR_REVIEWERS)) {
            grant(reviewers, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
            grant(reviewers, Resources.PROCESS_DEFINITION, ReviewProcess.KEY, Permissions.READ);
            grant(reviewers, Resources.PROCESS_DEFINITION, LifecycleProcess.KEY, Permissions.READ);
        }
        String reviewFilter = filter(REVIEW_FILTER, "Review work of my groups", -10, taskService.createTaskQuery()
                .taskCandidateGroupInExpression("${currentUserGroups()}").includeAssignedTasks()
                .processDefinitionKey(ReviewProcess.KEY));
        String myFilter = filter(MY_FILTER, "Review work I claimed", -5,
                taskService.createTaskQuery().taskAssigneeExpression("${currentUser()}"));
        for (String reviewers : List.of(Groups.REVIEWERS, Groups.SENIOR_REVIEWERS)) {
            grant(reviewers, Resources.FILTER, reviewFilter, Permissions.READ);
            grant(reviewers, Resources.FILTER, myFilter, Permissions.READ);
        }
    }

    /**
     * The filter, created once; one of an earlier release without {@link #LIST_VARIABLES} gets them, and is otherwise
     * left as an admin may have changed it.
     */
    private String filter(String name, String description, int priority, org.camunda.bpm.engine.task.TaskQuery query) {
        Filter existing = filterService.createFilterQuery().filterName(name).singleResult();
        if (existing != null) {
            if (existing.getProperties() != null && !existing.getProperties().containsKey("variables")) {
                Map<String, Object> properties = new HashMap<>(existing.getProperties());
                properties.put("variables", LIST_VARIABLES);
                try {
                    filterService.saveFilter(existing.setProperties(properties));
                    log.info("Tasklist filter '{}' shows the operation task of each review work", name);
                } catch (OptimisticLockingException anotherNodeFirst) {
                    log.info("Tasklist filter '{}' was changed by another node starting at the same time", name);
                }
            }
            return existing.getId();
        }
        Filter filter = filterService.newTaskFilter(name)
                .setQuery(query)
                .setProperties(Map.of("priority", priority, "description", description, "refresh", true,
                        "variables", LIST_VARIABLES));
        filterService.saveFilter(filter);
        log.info("Created Tasklist filter '{}'", name);
        return filter.getId();
    }

    private void grant(String group, Resource resource, String resourceId, Permission permission) {
        boolean exists = authorizationService.createAuthorizationQuery()
                .groupIdIn(group).resourceType(resource).resourceId(resourceId).hasPermission(permission).count() > 0;
        if (!exists) {
            Authorization grant = authorizationService.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
            grant.setGroupId(group);
            grant.setResource(resource);
            grant.setResourceId(resourceId);
            grant.addPermission(permission);
            authorizationService.saveAuthorization(grant);
        }
    }
}
