package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Test
    void refusesAModelNamingAClassThereIsNot() throws IOException {
        RepositoryService repository = engine.processEngine().getRepositoryService();

        assertThatThrownBy(() -> repository.createDeployment().name("missing class (test)")
                .addString("operation-task-lifecycle.bpmn", shipped("bpmn/operation-task-lifecycle.bpmn").replace(
                        "camunda:delegateExpression=\"${recordRejectionDelegate}\"",
                        "camunda:class=\"io.reachflow.review.NotifyReviewersDelegate\"")).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("the serviceTask of 'service_record_rejection' names the class "
                        + "'io.reachflow.review.NotifyReviewersDelegate', which the application cannot load");
    }

    /**
     * A review form whose fields a reviewer fills in are not the decision's: each decision through it would be refused
     * (a field more), or could not be made (one less); a field that only shows is disabled, and is taken.
     */
    @Test
    void refusesAReviewFormThatDoesNotTakeExactlyTheDecision() throws IOException {
        RepositoryService repository = engine.processEngine().getRepositoryService();
        ObjectMapper json = new ObjectMapper();
        String form = shipped("bpmn/operation-task-review-form.form");
        ObjectNode withField = (ObjectNode) json.readTree(form);
        ((ArrayNode) withField.path("components")).addObject().put("type", "checkbox").put("key", "legalChecked")
                .put("label", "Legal checked");
        ObjectNode withoutComment = (ObjectNode) json.readTree(form);
        ArrayNode components = (ArrayNode) withoutComment.path("components");
        for (int i = components.size() - 1; i >= 0; i--) {
            if ("reviewComment".equals(components.get(i).path("key").asText())) {
                components.remove(i);
            }
        }
        long forms = repository.createDeploymentQuery().count();

        assertThatThrownBy(() -> repository.createDeployment().name("form with a field more (test)")
                .addString("operation-task-review-form.form", withField.toString()).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining(
                        "the review form has fields a reviewer fills in beyond the decision: legalChecked");
        assertThatThrownBy(() -> repository.createDeployment().name("form without the comment (test)")
                .addString("operation-task-review-form.form", withoutComment.toString()).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("has no field a reviewer fills in for reviewComment");
        assertThat(repository.createDeploymentQuery().count()).as("nothing deployed").isEqualTo(forms);

        ((ObjectNode) withField.path("components").get(withField.path("components").size() - 1)).put("disabled", true);
        String shown = repository.createDeployment().name("form with a field that shows (test)")
                .addString("operation-task-review-form.form", withField.toString()).deploy().getId();
        repository.deleteDeployment(shown, true);
    }

    private String shipped(String model) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(model)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
