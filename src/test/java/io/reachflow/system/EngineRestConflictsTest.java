package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEnginePersistenceException;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.rest.dto.ExceptionDto;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;

/**
 * Only work that is gone becomes a 404, and only a lost race a 409: every other exception of the same types is left
 * to Camunda's own mappers.
 * (Over HTTP, with the engine's own messages: EngineRestSecurityTest and TasklistEngineApiTest.)
 */
class EngineRestConflictsTest {

    private static final NullValueException NO_SUCH_TASK =
            new NullValueException("Cannot find task with id abc: task is null");

    @Test
    void mapsAMissingTaskOnly() {
        assertThat(new EngineRestConflicts.NoSuchTaskToClaim().isMappable(NO_SUCH_TASK)).isTrue();
        assertThat(new EngineRestConflicts.NoSuchTaskToClaim()
                .isMappable(new NullValueException("Cannot find process definition with id x: definition is null")))
                .isFalse();
        assertThat(new EngineRestConflicts.NoSuchTaskToAssign()
                .isMappable(new NotFoundException("Cannot find task with id abc: task is null"))).isTrue();
        assertThat(new EngineRestConflicts.NoSuchTaskToAssign().isMappable(new NotFoundException("No user found")))
                .isFalse();
        assertThat(new EngineRestConflicts.NoSuchTaskToComplete().isMappable(new RestException(
                Response.Status.INTERNAL_SERVER_ERROR, NO_SUCH_TASK, "Cannot complete task abc: " + NO_SUCH_TASK
                .getMessage()))).isTrue();
        assertThat(new EngineRestConflicts.NoSuchTaskToComplete().isMappable(new RestException(
                Response.Status.BAD_REQUEST, new FormFieldValidationException("approved", "Cannot find task with id"),
                "Cannot complete task abc"))).isFalse();
        assertThat(new EngineRestConflicts.NoSuchTaskToComplete()
                .isMappable(new RestException(Response.Status.NOT_FOUND, "No matching task"))).isFalse();
    }

    /**
     * A command on review work that lost on another's write of the same work (two claims at once, a double click) is
     * a 409: a stale row, a unique key the other took, a deadlock; a completion's comes wrapped. Elsewhere in the
     * engine's API, and other persistence failures, stay Camunda's.
     */
    @Test
    void mapsALostRaceOnReviewWorkToAConflict() {
        OptimisticLockingException stale = new OptimisticLockingException("ENGINE-03005 Execution of 'UPDATE "
                + "TaskEntity[abc]' failed. Entity was updated by another transaction concurrently.");
        ProcessEnginePersistenceException twice = new ProcessEnginePersistenceException("persistence",
                new SQLException("Unique index or primary key violation: ACT_UNIQ_AUTH_USER", "23505"));
        ProcessEnginePersistenceException notNull = new ProcessEnginePersistenceException("persistence",
                new SQLException("NULL not allowed for column", "23502"));
        RestException completion = new RestException(Response.Status.INTERNAL_SERVER_ERROR, stale,
                "Cannot complete task abc: " + stale.getMessage());
        CannotAcquireLockException deadlock = new CannotAcquireLockException("could not execute batch",
                new SQLException("Deadlock detected", "40001"));

        assertThat(on("task/abc/claim", new EngineRestConflicts.ChangedMeanwhile()).isMappable(stale)).isTrue();
        assertThat(on("task/abc/claim", new EngineRestConflicts.WrittenMeanwhile()).isMappable(twice)).isTrue();
        assertThat(on("task/abc/claim", new EngineRestConflicts.WrittenMeanwhile()).isMappable(notNull)).isFalse();
        assertThat(on("task/abc/complete", new EngineRestConflicts.NoSuchTaskToComplete()).isMappable(completion))
                .isTrue();
        assertThat(on("task/abc/complete", new EngineRestConflicts.ChangedInOurTables()).isMappable(deadlock))
                .isTrue();
        for (Response response : List.of(
                on("task/abc/claim", new EngineRestConflicts.ChangedMeanwhile()).toResponse(stale),
                on("task/abc/claim", new EngineRestConflicts.WrittenMeanwhile()).toResponse(twice),
                on("task/abc/complete", new EngineRestConflicts.NoSuchTaskToComplete()).toResponse(completion),
                on("task/abc/complete", new EngineRestConflicts.ChangedInOurTables()).toResponse(deadlock))) {
            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(((ExceptionDto) response.getEntity()).getMessage())
                    .startsWith("Another request changed this review work at the same time");
        }
        // an admin's user created twice, a modification of an instance: Camunda's answers, as before
        assertThat(on("user/create", new EngineRestConflicts.WrittenMeanwhile()).isMappable(twice)).isFalse();
        assertThat(on("process-instance/abc/modification", new EngineRestConflicts.ChangedMeanwhile())
                .isMappable(stale)).isFalse();
        assertThat(on("process-instance/abc/modification", new EngineRestConflicts.ChangedInOurTables())
                .isMappable(deadlock)).isFalse();
        assertThat(on("task/abc/complete", new EngineRestConflicts.NoSuchTaskToComplete()).toResponse(
                new RestException(Response.Status.INTERNAL_SERVER_ERROR, NO_SUCH_TASK, "Cannot complete task abc"))
                .getStatus()).as("gone is still a 404").isEqualTo(404);
    }

    /** The mapper as Jersey gives it the request: one to {@code path}, within the engine's API. */
    private static <M> M on(String path, M mapper) {
        UriInfo request = (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(),
                new Class<?>[] {UriInfo.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getPath")) {
                        return path;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        try {
            Field field = findRequestField(mapper.getClass());
            field.setAccessible(true);
            field.set(mapper, request);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return mapper;
    }

    private static Field findRequestField(Class<?> type) throws NoSuchFieldException {
        for (Class<?> at = type; at != null; at = at.getSuperclass()) {
            for (Field field : at.getDeclaredFields()) {
                if (field.getType() == UriInfo.class) {
                    return field;
                }
            }
        }
        throw new NoSuchFieldException("request");
    }

    /**
     * Reads of a task's form, and commands on review work refused for want of grants, which are told by the task's
     * absence: on either copy of the API, for any engine.
     */
    @Test
    void tellsAReadOfATasksForm() {
        assertThat(EngineRestConflicts.formRead("task/abc/deployed-form").group(2)).isEqualTo("abc");
        assertThat(EngineRestConflicts.formRead("task/abc/deployed-form").group(1)).as("the default engine").isNull();
        assertThat(EngineRestConflicts.formRead("/engine/default/task/abc/form").group(1)).isEqualTo("default");
        assertThat(EngineRestConflicts.formRead("engine/processEngineX/task/abc/rendered-form").group(2))
                .isEqualTo("abc");
        assertThat(EngineRestConflicts.formRead("task/abc/form-variables")).isNotNull();
        assertThat(EngineRestConflicts.workCommand("task/abc/complete").group(2)).isEqualTo("abc");
        assertThat(EngineRestConflicts.workCommand("/engine/default/task/abc/submit-form").group(1))
                .isEqualTo("default");
        for (String other : List.of("task/abc", "task/abc/form", "task/abc/variables", "task/abc/comment/create",
                "process-instance/abc/complete")) {
            assertThat(EngineRestConflicts.workCommand(other)).as(other).isNull();
        }
        for (String other : List.of("task/abc", "task/abc/submit-form", "task/abc/variables", "task/abc/form/x",
                "process-definition/abc/form", "task/abc/claim")) {
            assertThat(EngineRestConflicts.formRead(other)).as(other).isNull();
        }
    }

    @Test
    void answersInTheEngineApisErrorFormat() {
        Response response = new EngineRestConflicts.NoSuchTaskToClaim().toResponse(NO_SUCH_TASK);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getEntity()).isInstanceOfSatisfying(ExceptionDto.class, error -> {
            assertThat(error.getType()).isEqualTo("NullValueException");
            assertThat(error.getMessage()).isEqualTo(NO_SUCH_TASK.getMessage());
            assertThat(error.getCode()).isEqualTo(NO_SUCH_TASK.getCode());
        });
    }
}
