package io.reachflow.delivery;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.reachflow.audience.UserProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Renders content templates with JMustache. {@code {{name}}} and {@code {{attributes.city}}} come from the
 * recipient's profile; {@code {{name|there}}} falls back to "there" when the value is missing or empty. Content
 * is plain text for every channel, so nothing is HTML-escaped.
 */
@Component
public class TemplateRenderer {

    private static final Pattern WITH_DEFAULT = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*\\|([^}]*)}}");

    private final Mustache.Compiler compiler = Mustache.compiler()
            .escapeHTML(false)
            .emptyStringIsFalse(true)
            .defaultValue("");

    /**
     * What a template can use of a recipient: {@code id}, {@code name}, {@code email}, {@code phone},
     * {@code locale}, {@code timeZone} and {@code attributes.*}.
     */
    public static Map<String, Object> context(UserProfile user) {
        Map<String, Object> context = new HashMap<>();
        context.put("id", user.id());
        context.put("name", user.name());
        context.put("email", user.email());
        context.put("phone", user.phone());
        context.put("locale", user.locale());
        context.put("timeZone", user.timeZone());
        context.put("attributes", user.attributes() == null ? Map.of() : user.attributes());
        return context;
    }

    /** Compiles once per push; the result renders any number of recipients. */
    public Compiled compile(String template) {
        if (template == null) {
            return context -> null;
        }
        Template compiled = compiler.compile(expandDefaults(template));
        return compiled::execute;
    }

    /** {@code {{x|fallback}}} becomes {@code {{#x}}{{x}}{{/x}}{{^x}}fallback{{/x}}}. */
    static String expandDefaults(String template) {
        Matcher matcher = WITH_DEFAULT.matcher(template);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1);
            String fallback = matcher.group(2).trim();
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(
                    "{{#" + key + "}}{{" + key + "}}{{/" + key + "}}{{^" + key + "}}" + fallback + "{{/" + key + "}}"));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    @FunctionalInterface
    public interface Compiled {
        String render(Map<String, Object> context);
    }
}
