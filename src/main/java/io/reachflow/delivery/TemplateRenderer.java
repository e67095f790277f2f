package io.reachflow.delivery;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.reachflow.audience.UserProfile;
import io.reachflow.task.ContentTemplate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Renders content templates ({@link ContentTemplate}) for recipients: {@code {{name}}} and
 * {@code {{attributes.city}}} come from the recipient's profile.
 */
@Component
public class TemplateRenderer {

    private static final String ATTRIBUTES = "attributes";
    private static final String ATTRIBUTE_PREFIX = ATTRIBUTES + ".";

    /**
     * What a template can use of a recipient: {@code id}, {@code name}, {@code email}, {@code phone},
     * {@code locale}, {@code timeZone} and {@code attributes.*}.
     */
    public static Map<String, Object> context(UserProfile user) {
        return context(user.id(), user.name(), user.email(), user.phone(), user.locale(), user.timeZone(),
                user.attributes());
    }

    static Map<String, Object> context(String id, String name, String email, String phone, String locale,
                                       String timeZone, Map<String, Object> attributes) {
        Map<String, Object> context = new HashMap<>();
        context.put("id", id);
        context.put("name", name);
        context.put("email", email);
        context.put("phone", phone);
        context.put("locale", locale);
        context.put("timeZone", timeZone);
        context.put(ATTRIBUTES, attributes == null ? Map.of() : attributes);
        return context;
    }

    /** Compiles once per push; the result renders any number of recipients. */
    public Compiled compile(String template) {
        if (template == null) {
            return new Compiled(null, Set.of());
        }
        Template compiled = ContentTemplate.compile(template);
        Set<String> names = new LinkedHashSet<>();
        compiled.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {
            }

            @Override
            public void visitVariable(String name) {
                names.add(name);
            }

            @Override
            public boolean visitInclude(String name) {
                return false;
            }

            @Override
            public boolean visitSection(String name) {
                names.add(name);
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                names.add(name);
                return true;
            }
        });
        return new Compiled(compiled, Set.copyOf(names));
    }

    /** A compiled template, and the names it looks up (variables and sections). */
    public static final class Compiled {

        private final Template template;
        private final Set<String> names;

        private Compiled(Template template, Set<String> names) {
            this.template = template;
            this.names = names;
        }

        /** The rendered text; null for no template. */
        public String render(Map<String, Object> context) {
            return template == null ? null : template.execute(context);
        }
    }

    /**
     * A push's title and body, compiled once, and the recipient contexts they render: what a recipient's profile
     * row gives. The attributes are read only when the templates use them, and each attribute path they name
     * ({@code attributes.city}) is in the context under that very name: JMustache then finds it at once, where it
     * would otherwise split the name at every use, for every recipient, the largest part of rendering a push.
     */
    static final class Message {

        private final Compiled title;
        private final Compiled body;
        private final boolean readsAttributes;
        private final Map<String, String[]> attributePaths = new HashMap<>();

        Message(Compiled title, Compiled body) {
            this.title = title;
            this.body = body;
            Set<String> names = new HashSet<>(title.names);
            names.addAll(body.names);
            boolean reads = false;
            for (String name : names) {
                if (name.equals(ATTRIBUTES) || name.startsWith(ATTRIBUTE_PREFIX)) {
                    reads = true;
                }
                if (name.startsWith(ATTRIBUTE_PREFIX)) {
                    attributePaths.put(name, name.substring(ATTRIBUTE_PREFIX.length()).split("\\."));
                }
            }
            this.readsAttributes = reads;
        }

        /** Whether the templates use the recipient's attributes at all. */
        boolean readsAttributes() {
            return readsAttributes;
        }

        /** The context of one recipient; {@code attributes} may be null when the templates do not read them. */
        Map<String, Object> context(String id, String name, String email, String phone, String locale,
                                    String timeZone, Map<String, Object> attributes) {
            Map<String, Object> context = TemplateRenderer.context(id, name, email, phone, locale, timeZone, attributes);
            if (attributes != null) {
                attributePaths.forEach((path, keys) -> {
                    Object value = attribute(attributes, keys);
                    if (value != null) {
                        context.put(path, value);
                    }
                });
            }
            return context;
        }

        String title(Map<String, Object> context) {
            return title.render(context);
        }

        String body(Map<String, Object> context) {
            return body.render(context);
        }

        /** The value at the keys, through nested objects; null when there is none (JMustache then looks it up). */
        private static Object attribute(Map<String, Object> attributes, String[] keys) {
            Object value = attributes;
            for (String key : keys) {
                if (!(value instanceof Map<?, ?> map)) {
                    return null;
                }
                value = map.get(key);
            }
            return value;
        }
    }
}
