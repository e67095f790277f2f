package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.support.Engine;
import io.reachflow.support.ReachflowSpringTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The models deploy under names that do not depend on how the application was started (the jar or
 * {@code ./mvnw spring-boot:run}), so that a start deploys a model again only when it changed.
 */
@ReachflowSpringTest
class ModelDeploymentTest {

    private static final Pattern LISTED = Pattern.compile("<resource>([^<]+)</resource>");

    @Autowired
    Engine engine;

    /** Every model under bpmn/ and dmn/ is listed in processes.xml, and nothing else. */
    @Test
    void everyModelIsListed() throws IOException {
        List<String> files = new ArrayList<>();
        for (String folder : List.of("bpmn", "dmn")) {
            try (Stream<Path> models = Files.list(Path.of(folder))) {
                models.map(model -> folder + "/" + model.getFileName()).forEach(files::add);
            }
        }

        assertThat(listed()).as("META-INF/processes.xml").containsExactlyInAnyOrderElementsOf(files);
        assertThat(processesXml()).as("listed, not scanned: a scan names a model by where it found it")
                .contains("<property name=\"isScanForProcessDefinitions\">false</property>");
    }

    /**
     * The application's deployment names its models as processes.xml lists them, and the same models deployed again
     * under those names are filtered out as unchanged: no new version.
     */
    @Test
    void theSameModelsAgainGetNoNewVersion() throws IOException {
        RepositoryService repository = engine.processEngine().getRepositoryService();
        Deployment deployed = repository.createDeploymentQuery().deploymentName("reachflow")
                .orderByDeploymentTime().desc().list().get(0);
        assertThat(repository.getDeploymentResourceNames(deployed.getId())).allMatch(
                name -> name.startsWith("bpmn/") || name.startsWith("dmn/"), "named bpmn/… or dmn/…");
        long definitions = repository.createProcessDefinitionQuery().count()
                + repository.createDecisionDefinitionQuery().count();

        DeploymentBuilder again = repository.createDeployment().name("reachflow").enableDuplicateFiltering(true);
        for (String model : listed()) {
            try (InputStream content = getClass().getClassLoader().getResourceAsStream(model)) {
                again.addInputStream(model, content);
            }
        }
        again.deploy();

        assertThat(repository.createProcessDefinitionQuery().count()
                + repository.createDecisionDefinitionQuery().count()).isEqualTo(definitions);
    }

    private List<String> listed() throws IOException {
        Matcher resource = LISTED.matcher(processesXml());
        List<String> names = new ArrayList<>();
        while (resource.find()) {
            names.add(resource.group(1).trim());
        }
        return names;
    }

    private String processesXml() throws IOException {
        try (InputStream xml = getClass().getClassLoader().getResourceAsStream("META-INF/processes.xml")) {
            return new String(xml.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
