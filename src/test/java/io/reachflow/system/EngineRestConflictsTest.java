package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
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
     * A request that lost on another's write of the same work (two claims at once, a double click) is a 409: a stale
     * row, or a unique key the other took; a completion's comes wrapped. Other persistence failures stay Camunda's.
     */
    @Test
    void mapsALostRaceToAConflict() {
        OptimisticLockingException stale = new OptimisticLockingException("ENGINE-03005 Execution of 'UPDATE "
                + "TaskEntity[abc]' failed. Entity was updated by another transaction concurrently.");
        ProcessEnginePersistenceException twice = new ProcessEnginePersistenceException("persistence",
                new SQLException("Unique index or primary key violation: ACT_UNIQ_AUTH_USER", "23505"));
        ProcessEnginePersistenceException other = new ProcessEnginePersistenceException("persistence",
                new SQLException("Table not found", "42S02"));

        assertThat(new EngineRestConflicts.ChangedMeanwhile().isMappable(stale)).isTrue();
        assertThat(new EngineRestConflicts.WrittenMeanwhile().isMappable(twice)).isTrue();
        assertThat(new EngineRestConflicts.WrittenMeanwhile().isMappable(other)).isFalse();
        RestException completion = new RestException(Response.Status.INTERNAL_SERVER_ERROR, stale,
                "Cannot complete task abc: " + stale.getMessage());
        assertThat(new EngineRestConflicts.NoSuchTaskToComplete().isMappable(completion)).isTrue();
        for (Response response : List.of(new EngineRestConflicts.ChangedMeanwhile().toResponse(stale),
                new EngineRestConflicts.WrittenMeanwhile().toResponse(twice),
                new EngineRestConflicts.NoSuchTaskToComplete().toResponse(completion))) {
            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(((ExceptionDto) response.getEntity()).getMessage())
                    .startsWith("Another request changed this review work at the same time");
        }
        assertThat(new EngineRestConflicts.NoSuchTaskToComplete().toResponse(new RestException(
                Response.Status.INTERNAL_SERVER_ERROR, NO_SUCH_TASK, "Cannot complete task abc")).getStatus())
                .as("gone is still a 404").isEqualTo(404);
    }

    /** Reads of a task's form, which are told by the task's absence: on either copy of the API, for any engine. */
    @Test
    void tellsAReadOfATasksForm() {
        assertThat(EngineRestConflicts.formRead("task/abc/deployed-form").group(2)).isEqualTo("abc");
        assertThat(EngineRestConflicts.formRead("task/abc/deployed-form").group(1)).as("the default engine").isNull();
        assertThat(EngineRestConflicts.formRead("/engine/default/task/abc/form").group(1)).isEqualTo("default");
        assertThat(EngineRestConflicts.formRead("engine/processEngineX/task/abc/rendered-form").group(2))
                .isEqualTo("abc");
        assertThat(EngineRestConflicts.formRead("task/abc/form-variables")).isNotNull();
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
