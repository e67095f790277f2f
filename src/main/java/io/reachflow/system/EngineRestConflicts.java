package io.reachflow.system;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.TaskAlreadyClaimedException;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.glassfish.jersey.internal.spi.AutoDiscoverable;
import org.glassfish.jersey.spi.ExtendedExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two reviewers at the same review work is normal use, not a fault of the server, but the engine's REST API answered
 * it with 500 and logged a stack trace at WARN. Here it answers in its own error format (Camunda's
 * {@code ExceptionDto}: {@code type}, {@code message}, {@code code}), logged at INFO:
 * <ul>
 * <li>a claim of work that another reviewer claimed first: 409 ({@link TaskAlreadyClaimedException});</li>
 * <li>a claim, unclaim, completion or form submission of work that is gone (decided by someone else, withdrawn,
 * timed out), or a read of its variables: 404. Camunda 7.24 says "Cannot find task with id …" for it, in a
 * {@link NullValueException} from claim, complete and submit-form (the latter two wrapped by the REST API in a
 * {@link RestException} with 500) and in a {@link NotFoundException} (400) from unclaim, and "task … doesn't exist"
 * in a {@link NullValueException} from reading its variables. Every other such exception is left to Camunda's own
 * mapper.</li>
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

    @Override
    public void configure(FeatureContext context) {
        if (context.getConfiguration().isRegistered(ProcessEngineExceptionHandler.class)) {
            context.register(ClaimedAlready.class);
            context.register(NoSuchTaskToClaim.class);
            context.register(NoSuchTaskToAssign.class);
            context.register(NoSuchTaskToComplete.class);
        }
    }

    static class ClaimedAlready implements ExceptionMapper<TaskAlreadyClaimedException> {

        @Override
        public Response toResponse(TaskAlreadyClaimedException e) {
            log.info("A claim came second: {}", e.getMessage());
            return engineError(Response.Status.CONFLICT, e);
        }
    }

    /** A 404 for work that is gone; any other exception of the type goes on to Camunda's mapper. */
    abstract static class NoSuchTask<E extends RuntimeException> implements ExtendedExceptionMapper<E> {

        @Override
        public boolean isMappable(E e) {
            return noSuchTask(e) || noSuchTask(e.getCause());
        }

        @Override
        public Response toResponse(E e) {
            log.info("Review work is gone: {}", e.getMessage());
            return engineError(Response.Status.NOT_FOUND, e);
        }

        private static boolean noSuchTask(Throwable e) {
            return (e instanceof NullValueException || e instanceof NotFoundException) && e.getMessage() != null
                    && NO_SUCH_TASK.matcher(e.getMessage()).lookingAt();
        }
    }

    /** Claim. */
    static class NoSuchTaskToClaim extends NoSuchTask<NullValueException> {
    }

    /** Unclaim, as the engine does it (an admin's; a reviewer's is {@link EngineApiAccess.UnclaimFilter}'s). */
    static class NoSuchTaskToAssign extends NoSuchTask<NotFoundException> {
    }

    /** Complete and submit-form. Camunda's own mapper of the type comes without a priority: this one goes first. */
    @Priority(Priorities.USER - 1)
    static class NoSuchTaskToComplete extends NoSuchTask<RestException> {
    }

    private static Response engineError(Response.Status status, RuntimeException e) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ExceptionHandlerHelper.getInstance().fromException(e)).build();
    }
}
