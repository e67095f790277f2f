package io.reachflow.system;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Has every new deployment's decision tables that the code reads in a set way checked before they are deployed
 * ({@link DecisionTables#refuseUnfit}): on start for the files under {@code dmn/}, at once for one deployed from
 * Modeler. Versions deployed before are checked when they are first used, as they always were.
 */
@Component
public class DecisionChecksPlugin extends AbstractProcessEnginePlugin {

    private final ObjectProvider<DecisionTables> decisionTables;

    /** The tables' checks are the application's (its beans register them), known once the engine runs. */
    public DecisionChecksPlugin(ObjectProvider<DecisionTables> decisionTables) {
        this.decisionTables = decisionTables;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<Deployer> deployers = new ArrayList<>();
        deployers.add(this::check);
        if (configuration.getCustomPreDeployers() != null) {
            deployers.addAll(configuration.getCustomPreDeployers());
        }
        configuration.setCustomPreDeployers(deployers);
    }

    private void check(DeploymentEntity deployment) {
        if (!deployment.isNew() || deployment.getResources() == null) {
            return;
        }
        for (ResourceEntity resource : deployment.getResources().values()) {
            if (resource.getName().endsWith(".dmn") || resource.getName().endsWith(".dmn11.xml")) {
                decisionTables.getObject().refuseUnfit(resource.getName(), resource.getBytes());
            }
        }
    }
}
