package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachflow.support.Engine;
import io.reachflow.support.ReachflowSpringTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A process model that names a delegate the application does not have is refused when it is deployed. */
@ReachflowSpringTest
class ModelChecksPluginTest {

    @Autowired
    Engine engine;

    @Test
    void refusesAModelNamingADelegateThereIsNot() throws IOException {
        String shipped = shipped("bpmn/operation-task-lifecycle.bpmn");
        RepositoryService repository = engine.processEngine().getRepositoryService();
        long definitions = repository.createProcessDefinitionQuery().count();

        assertThatThrownBy(() -> repository.createDeployment().name("misspelt delegate (test)")
                .addString("operation-task-lifecycle.bpmn",
                        shipped.replace("${recordRejectionDelegate}", "${recordRejectDelegate}")).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("names the delegate 'recordRejectDelegate', which the application does not have")
                .hasMessageContaining("operation-task-lifecycle.bpmn: the serviceTask of 'service_record_rejection'")
                .hasMessageContaining("recordRejectionDelegate");
        assertThatThrownBy(() -> repository.createDeployment().name("misspelt listener (test)")
                .addString("operation-task-review.bpmn", shipped("bpmn/operation-task-review.bpmn")
                        .replace("${prepareReviewBriefingListener}", "${prepareBriefingListener}")).deploy())
                .hasMessageContaining("the taskListener of 'user_task_review'")
                .hasMessageContaining("'prepareBriefingListener'");
        assertThatThrownBy(() -> repository.createDeployment().name("not BPMN (test)")
                .addString("operation-task-lifecycle.bpmn", shipped.replace("<bpmn:process ", "<bpmn:processx "))
                .deploy()).as("a model that is not BPMN gets the engine's own error, with the file and the cause")
                .hasMessageContaining("Could not parse 'operation-task-lifecycle.bpmn'")
                .hasMessageContaining("bpmn:processx");
        assertThat(repository.createProcessDefinitionQuery().count()).as("nothing deployed").isEqualTo(definitions);
    }

    private String shipped(String model) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(model)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
