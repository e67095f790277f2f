package io.reachflow.delivery;

import com.samskivert.mustache.Template;
import io.reachflow.audience.UserProfile;
import io.reachflow.task.ContentTemplate;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Renders content templates ({@link ContentTemplate}) for recipients: {@code {{name}}} and
 * {@code {{attributes.city}}} come from the recipient's profile.
 */
@Component
public class TemplateRenderer {

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
        Template compiled = ContentTemplate.compile(template);
        return compiled::execute;
    }

    @FunctionalInterface
    public interface Compiled {
        String render(Map<String, Object> context);
    }
}
