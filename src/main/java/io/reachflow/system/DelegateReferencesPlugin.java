package io.reachflow.system;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.impl.util.xml.Namespace;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * Refuses a process model whose {@code camunda:delegateExpression="${name}"} names no delegate of the application,
 * when it is deployed: on start for the models under {@code bpmn/}, at once for one deployed from Modeler or through
 * the engine's API. Otherwise a misspelt delegate deploys without a word and fails only when a task first takes
 * that path (a rejection answering 500, say). The message names the model, the element and its line, and the
 * delegates there are. Expressions of another form ({@code ${bean.method()}}, a variable) are not checked.
 */
@Component
public class DelegateReferencesPlugin extends AbstractProcessEnginePlugin {

    private static final Pattern BEAN_NAME = Pattern.compile("\\$\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}");

    private final ListableBeanFactory beans;

    public DelegateReferencesPlugin(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<BpmnParseListener> listeners = new ArrayList<>();
        listeners.add(new AbstractBpmnParseListener() {
            @Override
            public void parseProcess(Element process, ProcessDefinitionEntity definition) {
                check(process, definition.getKey(), definition.getKey());
            }
        });
        if (configuration.getCustomPreBPMNParseListeners() != null) {
            listeners.addAll(configuration.getCustomPreBPMNParseListeners());
        }
        configuration.setCustomPreBPMNParseListeners(listeners);
    }

    /** Checks the element and those within it; {@code within} is the id of the nearest element that has one. */
    private void check(Element element, String processKey, String within) {
        String id = element.attribute("id") != null ? element.attribute("id") : within;
        Namespace camunda = BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS;
        // camunda:delegateExpression on a BPMN element; delegateExpression on a camunda: listener
        String expression = camunda.getNamespaceUri().equals(element.getUri())
                || camunda.getAlternativeUri() != null && camunda.getAlternativeUri().equals(element.getUri())
                ? element.attribute("delegateExpression")
                : element.attributeNS(camunda, "delegateExpression");
        if (expression != null) {
            Matcher name = BEAN_NAME.matcher(expression.trim());
            if (name.matches() && !beans.containsBean(name.group(1))) {
                throw new ProcessEngineException("Process " + processKey + ": the " + element.getTagName() + " of '"
                        + id + "' (line " + element.getLine() + ") names the delegate '" + name.group(1)
                        + "', which the application does not have. Its delegates: " + delegates());
            }
        }
        for (Element child : element.elements()) {
            check(child, processKey, id);
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
