package io.reachflow.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import io.reachflow.task.OperationTask;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskStatus;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@ReachflowSpringTest
class LifecycleSmokeTest {

    @Autowired
    Fixtures fixtures;

    @Autowired
    Engine engine;

    @BeforeEach
    void initAssertions() {
        BpmnAwareTests.init(engine.processEngine());
    }

    @Test
    void manualTaskRunsFromDraftToCompleted() {
        OperationTask task = fixtures.running(Fixtures.manualInApp());
        assertThat(task.getStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(engine.lifecycle(task.getId())).isWaitingAt(LifecycleProcess.Element.RECEIVE_MANUAL_SENDS.id());

        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.SEND, null);
        engine.runDueJobs(task.getId());
        fixtures.act(Fixtures.OPERATOR, task.getId(), TaskAction.COMPLETE, null);

        assertThat(fixtures.reload(task).getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(engine.lifecycle(task.getId())).isNull();
    }
}
