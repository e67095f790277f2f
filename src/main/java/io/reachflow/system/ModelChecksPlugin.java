package io.reachflow.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachflow.review.ReviewProcess;
import io.reachflow.review.ReviewVariables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.Problem;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.xml.ModelException;
import org.camunda.bpm.model.xml.instance.DomElement;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Checks the models of every new deployment before they are deployed, on start for those under {@code bpmn/} and
 * {@code dmn/}, at once for one deployed from Modeler or through the engine's API, and refuses one that would fail
 * later, as a parse error (as the engine's own: the engine API answers 400 with it, and Modeler shows it):
 * <ul>
 *   <li>a process model whose {@code delegateExpression="${name}"} names a delegate the application does not have,
 *       which would deploy without a word and fail only when a task first takes that path (a rejection answering
 *       500, say); the message names the model, the element and the delegates there are. Expressions of another
 *       form ({@code ${bean.method()}}) are not checked, as their names may be process variables;</li>
 *   <li>a process model whose {@code class} (of a service task or a listener) names a class the application
 *       cannot load;</li>
 *   <li>a review form ({@link ReviewProcess#FORM_KEY}) with a field a reviewer fills in other than the decision
 *       ({@code approved}, {@code reviewComment}) or without either: the form is bound to its latest version, so
 *       every open review would show the field, and each decision through the form would be refused for setting a
 *       variable a decision does not set ({@code ReviewSeal}). A field that only shows is {@code disabled};</li>
 *   <li>a decision table the code reads in a set way that does not fit it ({@link DecisionTables#refuseUnfit}).</li>
 * </ul>
 * Only new deployments are checked: a version deployed before, which the engine parses again after a restart, is
 * left to run its instances as it can (its tables are checked when first used). A model that is not BPMN or DMN at
 * all is left to the engine's own parse.
 */
@Component
public class ModelChecksPlugin extends AbstractProcessEnginePlugin {

    private static final String CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn";
    private static final Pattern BEAN_NAME = Pattern.compile("\\$\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}");
    private static final ObjectMapper FORMS = new ObjectMapper();

    private final ListableBeanFactory beans;
    private final ObjectProvider<DecisionTables> decisionTables;

    /** The tables' checks are the application's (its beans register them), known once the engine runs. */
    public ModelChecksPlugin(ListableBeanFactory beans, ObjectProvider<DecisionTables> decisionTables) {
        this.beans = beans;
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
            if (resource.getName().endsWith(".form")) {
                checkReviewForm(resource);
                continue;
            }
            if (resource.getName().endsWith(".dmn") || resource.getName().endsWith(".dmn11.xml")) {
                decisionTables.getObject().refuseUnfit(resource.getName(), resource.getBytes());
                continue;
            }
            if (!resource.getName().endsWith(".bpmn") && !resource.getName().endsWith(".bpmn20.xml")) {
                continue;
            }
            DomElement definitions;
            try {
                definitions = Bpmn.readModelFromStream(new ByteArrayInputStream(resource.getBytes())).getDocument()
                        .getRootElement();
            } catch (ModelException unreadable) {
                continue; // the engine's own parse says what is wrong with it, where
            }
            List<Problem> problems = new ArrayList<>();
            check(definitions, null, problems);
            if (!problems.isEmpty()) {
                // a parse error, as the engine's own: the engine API answers 400 with it, Modeler shows it
                throw new ParseException(resource.getName() + ": " + problems.get(0).getMessage(), resource.getName(),
                        problems, List.of());
            }
        }
    }

    /**
     * Adds a problem for each delegate the element and those within it name that the application does not have;
     * {@code within} is the id of the nearest element that has one.
     */
    private void check(DomElement element, String within, List<Problem> problems) {
        String id = element.hasAttribute("id") ? element.getAttribute("id") : within;
        // camunda:delegateExpression on a BPMN element; delegateExpression on a camunda: listener
        String expression = CAMUNDA_NS.equals(element.getNamespaceURI()) ? element.getAttribute("delegateExpression")
                : element.getAttribute(CAMUNDA_NS, "delegateExpression");
        String className = CAMUNDA_NS.equals(element.getNamespaceURI()) ? element.getAttribute("class")
                : element.getAttribute(CAMUNDA_NS, "class");
        if (className != null && !ClassUtils.isPresent(className.trim(), getClass().getClassLoader())) {
            problems.add(new ModelProblem("the " + element.getLocalName() + " of '" + id + "' names the class '"
                    + className.trim() + "', which the application cannot load", id));
        }
        if (expression != null) {
            Matcher name = BEAN_NAME.matcher(expression.trim());
            if (name.matches() && !beans.containsBean(name.group(1))) {
                problems.add(new ModelProblem("the " + element.getLocalName() + " of '" + id + "' names the "
                        + "delegate '" + name.group(1) + "', which the application does not have. Its delegates: "
                        + delegates(), id));
            }
        }
        for (DomElement child : element.getChildElements()) {
            check(child, id, problems);
        }
    }

    /** Refuses a review form whose fields a reviewer fills in are not exactly the decision's. */
    private static void checkReviewForm(ResourceEntity resource) {
        JsonNode form;
        try {
            form = FORMS.readTree(resource.getBytes());
        } catch (IOException unreadable) {
            return; // the engine and Tasklist read it as they can
        }
        if (!ReviewProcess.FORM_KEY.equals(form.path("id").asText())) {
            return;
        }
        Set<String> filledIn = new TreeSet<>();
        collectFilledIn(form, filledIn);
        Set<String> decision = Set.of(ReviewVariables.APPROVED, ReviewVariables.REVIEW_COMMENT);
        Set<String> others = new TreeSet<>(filledIn);
        others.removeAll(decision);
        Set<String> missing = new TreeSet<>(decision);
        missing.removeAll(filledIn);
        String problem = !others.isEmpty()
                ? "has fields a reviewer fills in beyond the decision: " + String.join(", ", others) + ". A decision "
                        + "sets only '" + ReviewVariables.APPROVED + "' and '" + ReviewVariables.REVIEW_COMMENT
                        + "', so each decision through this form would be refused: make a field that only shows "
                        + "disabled"
                : !missing.isEmpty() ? "has no field a reviewer fills in for " + String.join(" and ", missing)
                        + ": a decision through this form could not be made" : null;
        if (problem != null) {
            String key = !others.isEmpty() ? others.iterator().next() : missing.iterator().next();
            throw new ParseException(resource.getName() + ": the review form " + problem, resource.getName(),
                    List.of(new ModelProblem("the review form " + problem, key)), List.of());
        }
    }

    /** The keys of the form's fields that are not disabled, in groups too. */
    private static void collectFilledIn(JsonNode container, Set<String> keys) {
        for (JsonNode component : container.path("components")) {
            if (component.hasNonNull("key") && !component.path("disabled").asBoolean(false)) {
                keys.add(component.path("key").asText());
            }
            collectFilledIn(component, keys);
        }
    }

    private String delegates() {
        TreeSet<String> names = new TreeSet<>();
        for (Class<?> type : List.of(JavaDelegate.class, ExecutionListener.class, TaskListener.class)) {
            names.addAll(List.of(beans.getBeanNamesForType(type)));
        }
        return String.join(", ", names);
    }
}
