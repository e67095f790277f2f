package io.reachflow.delivery;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.reachflow.audience.UserProfile;
import io.reachflow.system.Texts;
import io.reachflow.task.ContentTemplate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Renders content templates ({@link ContentTemplate}) for recipients: {@code {{name}}} and
 * {@code {{attributes.city}}} come from the recipient's profile.
 */
@Component
public class TemplateRenderer {

    private static final String ATTRIBUTES = "attributes";
    private static final String ATTRIBUTE_PREFIX = ATTRIBUTES + ".";
    /** The names of a recipient's context besides its attributes. */
    private static final Set<String> FIELDS = Set.of("id", "name", "email", "phone", "locale", "timeZone");
    /** A section or inverted section written in a template (not one of those a {@code {{x|default}}} becomes). */
    private static final Pattern SECTION = Pattern.compile("\\{\\{\\s*[#^]");

    /**
     * The longest rendered title a message keeps, in characters (as the inbox and outbox store it): a profile's
     * value may be far longer than the template that names it (attributes take up to 100,000 characters).
     */
    public static final int MAX_TITLE = 1000;
    /** The longest rendered body a message keeps, in characters. */
    public static final int MAX_BODY = 20_000;

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
            return new Compiled(null, Set.of(), false);
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
        return new Compiled(compiled, Set.copyOf(names), SECTION.matcher(template).find());
    }

    /**
     * A compiled template, the names it looks up (variables and sections), and whether it has sections of its own
     * (which may put another object's keys in front of the recipient's).
     */
    public static final class Compiled {

        private final Template template;
        private final Set<String> names;
        private final boolean sections;

        private Compiled(Template template, Set<String> names, boolean sections) {
            this.template = template;
            this.names = names;
            this.sections = sections;
        }

        /** The rendered text; null for no template. */
        public String render(Map<String, Object> context) {
            return template == null ? null : template.execute(context);
        }
    }

    /**
     * A push's title and body, compiled once, and the recipient contexts they render: what a recipient's profile
     * row gives. When the templates name only the profile's fields and attribute paths ({@code attributes.city}),
     * and have no sections of their own, the attributes are read only when named, and each attribute path is in
     * the context under that very name: JMustache then finds it at once, where it would otherwise split the name
     * at every use, for every recipient, the largest part of rendering a push. Any other template (a section,
     * {@code {{.}}}, {@code this}, a name of JMustache's own) gets the recipient's whole context, as
     * {@link TemplateRenderer#context(UserProfile)} makes it: the shortcut never changes what is rendered.
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
            boolean shortcut = !title.sections && !body.sections && names.stream().allMatch(Message::plainName);
            this.readsAttributes = !shortcut || names.stream().anyMatch(name -> name.startsWith(ATTRIBUTE_PREFIX));
            if (shortcut) {
                names.stream().filter(name -> name.startsWith(ATTRIBUTE_PREFIX))
                        .forEach(path -> attributePaths.put(path, keys(path)));
            }
        }

        /** A field of the profile, or a path into its attributes whose every key is a plain one. */
        private static boolean plainName(String name) {
            if (FIELDS.contains(name)) {
                return true;
            }
            return name.startsWith(ATTRIBUTE_PREFIX)
                    && Arrays.stream(keys(name)).allMatch(key -> !key.isEmpty() && !key.equals("this"));
        }

        /** The keys of an attribute path into the attributes: {@code attributes.a.b} is a, b. */
        private static String[] keys(String path) {
            return path.substring(ATTRIBUTE_PREFIX.length()).split("\\.", -1);
        }

        /** Whether the recipient's attributes must be read: the templates use them, or may. */
        boolean readsAttributes() {
            return readsAttributes;
        }

        /**
         * The context of one recipient; {@code attributes} may be null when the templates do not read them. A path
         * to a string, number or boolean is put under its name; an object or a list is left to JMustache, as a
         * section over it puts its keys in front of the recipient's.
         */
        Map<String, Object> context(String id, String name, String email, String phone, String locale,
                                    String timeZone, Map<String, Object> attributes) {
            Map<String, Object> context = TemplateRenderer.context(id, name, email, phone, locale, timeZone, attributes);
            if (attributes != null) {
                attributePaths.forEach((path, keys) -> {
                    Object value = attribute(attributes, keys);
                    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                        context.put(path, value);
                    }
                });
            }
            return context;
        }

        String title(Map<String, Object> context) {
            return Texts.fitted(title.render(context), MAX_TITLE);
        }

        String body(Map<String, Object> context) {
            return Texts.fitted(body.render(context), MAX_BODY);
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
