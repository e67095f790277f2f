package io.reachflow.system;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEnginePersistenceException;
import org.camunda.bpm.engine.TaskAlreadyClaimedException;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.engine.rest.exception.InvalidRequestException;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.camunda.bpm.engine.rest.util.EngineUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.glassfish.jersey.internal.spi.AutoDiscoverable;
import org.glassfish.jersey.spi.ExtendedExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Two reviewers at the same review work is normal use, not a fault of the server, but the engine's REST API answered
 * it with 500 and logged a stack trace at WARN. Here it answers in its own error format (Camunda's
 * {@code ExceptionDto}: {@code type}, {@code message}, {@code code}), logged at INFO:
 * <ul>
 * <li>a claim of work that another reviewer claimed first: 409 ({@link TaskAlreadyClaimedException}), and so is any
 * request that lost on another's write of the same work at the same time ({@link Concurrent});</li>
 * <li>a claim, unclaim, completion or form submission of work that is gone (decided by someone else, withdrawn,
 * timed out), or a read of its variables: 404, and so is one refused for want of grants that went with the work
 * ({@link NoSuchTaskToAuthorize}). Camunda 7.24 says "Cannot find task with id …" for it, in a
 * {@link NullValueException} from claim, complete and submit-form (the latter two wrapped by the REST API in a
 * {@link RestException} with 500) and in a {@link NotFoundException} (400) from unclaim, and "task … doesn't exist"
 * in a {@link NullValueException} from reading its variables. Every other such exception is left to Camunda's own
 * mapper.</li>
 * <li>a read of the form of work that is gone ({@code GET …/task/{id}/form}, {@code deployed-form},
 * {@code rendered-form}, {@code form-variables}, which Tasklist makes as it opens the work): 404 too, where Camunda
 * answered 500 and 400. It says so in four ways, one of them no message of its own: a {@link NullPointerException}
 * (deployed-form), a {@link NullValueException} "Task '…' not found" (rendered-form), a
 * {@link BadUserRequestException} "Cannot find task with id '…'." (form-variables) and a {@link RestException} 400
 * "Cannot get form for task …" (form). So these reads are not told by the message: any of those exceptions on one of
 * them is a 404 when the engine has no task of the id, as it sees without the caller's authorizations. Work the
 * caller may not see exists, and keeps Camunda's 403 (as a read of its variables does); an error on work that exists
 * keeps Camunda's answer.</li>
 * </ul>
 * Both copies of the API get them: {@code /engine-rest} and the webapps' own ({@code /camunda/api/engine}, which
 * Tasklist calls). The latter is a Jersey servlet that Camunda's webapp starter builds from its fixed
 * {@code EngineRestApplication}, out of reach of Spring Boot's {@code ResourceConfigCustomizer} and of every Camunda
 * SPI. Jersey's auto-discovery ({@code META-INF/services}) configures every Jersey application; this one adds the
 * mappers where Camunda maps the engine's exceptions ({@link ProcessEngineExceptionHandler}), which are exactly those
 * two. (Public, as a service found by {@code META-INF/services} must be.)
 */
@ConstrainedTo(RuntimeType.SERVER)
public class EngineRestConflicts implements AutoDiscoverable {

    private static final Logger log = LoggerFactory.getLogger(EngineRestConflicts.class);
    /**
     * How Camunda's message begins when a command names a task that does not exist: most commands' words, then those of
     * reading a task's variables.
     */
    private static final Pattern NO_SUCH_TASK = Pattern.compile("^(Cannot find task with id |task \\S+ doesn't exist)");
    /**
     * A read of a task's form, as a path within either copy of the API (the default engine's, or one it names): the
     * engine's name in group 1 (none for the default), the task's id in group 2.
     */
    private static final Pattern FORM_READ =
            Pattern.compile("^/?(?:engine/([^/]+)/)?task/([^/]+)/(?:form|deployed-form|rendered-form|form-variables)/?$");
    /** A command on review work, as a path within either copy of the API: as {@link #FORM_READ}'s groups. */
    private static final Pattern WORK_COMMAND =
            Pattern.compile("^/?(?:engine/([^/]+)/)?task/([^/]+)/(?:claim|unclaim|complete|submit-form)/?$");
    /** The SQL state of a refused unique key, as H2 and PostgreSQL say it. */
    private static final String UNIQUE_VIOLATION = "23505";

    @Override
    public void configure(FeatureContext context) {
        if (context.getConfiguration().isRegistered(ProcessEngineExceptionHandler.class)) {
            context.register(ClaimedAlready.class);
            context.register(ChangedMeanwhile.class);
            context.register(WrittenMeanwhile.class);
            context.register(ChangedInOurTables.class);
            context.register(NoSuchTaskToAuthorize.class);
            context.register(NoSuchTaskToClaim.class);
            context.register(NoSuchTaskToAssign.class);
            context.register(NoSuchTaskToComplete.class);
            context.register(NoSuchTaskForItsDeployedForm.class);
            context.register(NoSuchTaskForItsFormVariables.class);
        }
    }

    /** Who sent the request, for the log: the authenticated user, of the API or of the webapps. */
    private static String who() {
        var user = SecurityContextHolder.getContext().getAuthentication();
        if (user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken)) {
            return user.getName();
        }
        // the webapps' copy: its users logged in to the webapps, which Spring Security does not know
        Authentications webapp = Authentications.getCurrent();
        return webapp == null || webapp.getAuthentications().isEmpty() ? "A request"
                : webapp.getAuthentications().get(0).getIdentityId();
    }

    static class ClaimedAlready implements ExceptionMapper<TaskAlreadyClaimedException> {

        @Override
        public Response toResponse(TaskAlreadyClaimedException e) {
            log.info("A claim by {} came second: {}", who(), e.getMessage());
            return engineError(Response.Status.CONFLICT, e);
        }
    }

    /**
     * Two requests at the same work at once (a claim, unclaim, completion or form submission), the second of which
     * lost on what the first wrote: two reviewers claiming it (the task's row changed under the second,
     * {@link OptimisticLockingException}), or one reviewer's double click (the claimant's grant on the work written
     * twice, a unique key's refusal in a {@link ProcessEnginePersistenceException}), or a deadlock with it. A 409 to
     * read the work again, where Camunda answered 500. Elsewhere in the engine's API such a failure keeps Camunda's
     * answer: there it may be no race at all.
     */
    abstract static class Concurrent<E extends RuntimeException> implements ExtendedExceptionMapper<E> {

        @Context
        UriInfo request;

        @Override
        public boolean isMappable(E e) {
            return onWork(request) && concurrent(e);
        }

        @Override
        public Response toResponse(E e) {
            return changedMeanwhile(e, request);
        }
    }

    /** Whether the request is a command on review work: only there is a lost race told from a fault of the server. */
    private static boolean onWork(UriInfo request) {
        return request != null && workCommand(request.getPath()) != null;
    }

    private static Response changedMeanwhile(RuntimeException e, UriInfo request) {
        log.info("{} of {} met another request's change of the same work: {}", who(),
                request == null ? "a task" : request.getPath(), e.getMessage());
        return engineError(Response.Status.CONFLICT, new InvalidRequestException(Response.Status.CONFLICT,
                "Another request changed this review work at the same time: read it again, and try again if it is "
                        + "still yours to do"));
    }

    /**
     * Whether the engine's command lost on a concurrent write: a stale row, a unique key another request took, or a
     * deadlock the database broke by rolling this one back.
     */
    static boolean concurrent(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof OptimisticLockingException) {
                return true;
            }
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())
                    || EngineConflicts.isDeadlock(cause)) {
                return true;
            }
        }
        return false;
    }

    static class ChangedMeanwhile extends Concurrent<OptimisticLockingException> {
    }

    static class WrittenMeanwhile extends Concurrent<ProcessEnginePersistenceException> {
    }

    /**
     * Our own tables' part of the same race, as Spring says it when the transaction commits: the task's row changed
     * meanwhile (its version), or the database broke a deadlock over it. On a command on review work, always a lost
     * race.
     */
    static class ChangedInOurTables extends Concurrent<ConcurrencyFailureException> {

        @Override
        public boolean isMappable(ConcurrencyFailureException e) {
            return onWork(request);
        }
    }

    /**
     * A 404 for work that is gone (a 409 for a completion that lost on another request's write, which the REST API
     * wraps as it wraps the rest); any other exception of the type goes on to Camunda's mapper. A read of a task's form
     * is told by the task's absence, anything else by the engine's message.
     */
    abstract static class NoSuchTask<E extends RuntimeException> implements ExtendedExceptionMapper<E> {

        /** The current request's, a proxy Jersey injects; none outside a request. */
        @Context
        UriInfo request;

        @Override
        public boolean isMappable(E e) {
            Matcher formRead = formReadRequested();
            return formRead != null ? !exists(formRead.group(1), formRead.group(2))
                    : noSuchTask(e) || noSuchTask(e.getCause()) || onWork(request) && concurrent(e);
        }

        @Override
        public Response toResponse(E e) {
            Matcher formRead = formReadRequested();
            if (formRead == null && !noSuchTask(e) && !noSuchTask(e.getCause())) {
                return changedMeanwhile(e, request); // a completion that lost on another's
            }
            RuntimeException gone = formRead == null ? e
                    : new InvalidRequestException(Response.Status.NOT_FOUND, "No task with id " + formRead.group(2)
                            + ": it was completed, deleted, or never existed");
            log.info("{} of {}: no such review work (completed, deleted, or never there): {}", who(),
                    request == null ? "a task" : request.getPath(), gone.getMessage());
            return engineError(Response.Status.NOT_FOUND, gone);
        }

        private Matcher formReadRequested() {
            return request == null ? null : formRead(request.getPath());
        }

        private static boolean noSuchTask(Throwable e) {
            return (e instanceof NullValueException || e instanceof NotFoundException) && e.getMessage() != null
                    && NO_SUCH_TASK.matcher(e.getMessage()).lookingAt();
        }
    }

    /**
     * A command on work that went while the engine checked the caller's grants on it, which went with it: a 404 as for
     * work found gone, where Camunda answered 403 ("does not have 'TASK_WORK' permission"). A refusal on work that is
     * there (separation of duties, a reviewer outside its group) stays a 403.
     */
    static class NoSuchTaskToAuthorize implements ExtendedExceptionMapper<AuthorizationException> {

        @Context
        UriInfo request;

        @Override
        public boolean isMappable(AuthorizationException e) {
            Matcher command = request == null ? null : workCommand(request.getPath());
            return command != null && !exists(command.group(1), command.group(2));
        }

        @Override
        public Response toResponse(AuthorizationException e) {
            Matcher command = workCommand(request.getPath());
            RuntimeException gone = new InvalidRequestException(Response.Status.NOT_FOUND, "No task with id "
                    + command.group(2) + ": it was completed, deleted, or never existed");
            log.info("{} of {}: the review work went meanwhile: {}", who(), request.getPath(), e.getMessage());
            return engineError(Response.Status.NOT_FOUND, gone);
        }
    }

    /**
     * The engine's name (null for the default) and the task's id of a command on review work; null for another path.
     */
    static Matcher workCommand(String path) {
        Matcher matcher = WORK_COMMAND.matcher(path);
        return matcher.matches() ? matcher : null;
    }

    /** The engine's name (null for the default) and the task's id of a read of a task's form; null for another path. */
    static Matcher formRead(String path) {
        Matcher matcher = FORM_READ.matcher(path);
        return matcher.matches() ? matcher : null;
    }

    /**
     * Whether the engine has a task of the id, whoever may see it: without the caller's authentication, as Camunda's
     * own form read looks up what the caller may not read. An engine that cannot be found leaves the answer to Camunda.
     */
    private static boolean exists(String engineName, String taskId) {
        ProcessEngine engine = EngineUtil.lookupProcessEngine(engineName);
        if (engine == null) {
            return true;
        }
        IdentityService identity = engine.getIdentityService();
        Authentication caller = identity.getCurrentAuthentication();
        identity.clearAuthentication();
        try {
            return engine.getTaskService().createTaskQuery().taskId(taskId).count() > 0;
        } finally {
            if (caller != null) {
                identity.setAuthentication(caller);
            }
        }
    }

    /** Claim; a read of a gone task's rendered form. */
    static class NoSuchTaskToClaim extends NoSuchTask<NullValueException> {
    }

    /** Unclaim, as the engine does it (an admin's; a reviewer's is {@link EngineApiAccess.UnclaimFilter}'s). */
    static class NoSuchTaskToAssign extends NoSuchTask<NotFoundException> {
    }

    /**
     * Complete and submit-form; a read of a gone task's form. Camunda's own mapper of the type comes without a
     * priority: this one goes first.
     */
    @Priority(Priorities.USER - 1)
    static class NoSuchTaskToComplete extends NoSuchTask<RestException> {
    }

    /** A read of a gone task's deployed form, which fails in the engine on the task it did not find. */
    static class NoSuchTaskForItsDeployedForm extends NoSuchTask<NullPointerException> {
    }

    /** A read of a gone task's form variables. */
    static class NoSuchTaskForItsFormVariables extends NoSuchTask<BadUserRequestException> {
    }

    private static Response engineError(Response.Status status, RuntimeException e) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ExceptionHandlerHelper.getInstance().fromException(e)).build();
    }
}
