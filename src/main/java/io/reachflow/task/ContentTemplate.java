package io.reachflow.task;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The template language of a task's title and body, JMustache with one addition: {@code {{name|there}}} falls back
 * to "there" when the value is missing or empty. Content is plain text for every channel, so nothing is
 * HTML-escaped. A template is checked when the task is saved, so that a push never meets one it cannot compile.
 */
public final class ContentTemplate {

    private static final Pattern WITH_DEFAULT = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*\\|([^}]*)}}");
    /** A partial ({{>name}}), a parent ({{<name}}) or a change of delimiters ({{=<% %>=}}). */
    private static final Pattern UNSUPPORTED_TAG = Pattern.compile("\\{\\{\\s*[<>=]");

    /**
     * Sections are conditions, never loops: a list does not repeat its section but reads as its items joined by
     * ", ", and is false when empty. So rendering takes time in proportion to the template, whatever a profile
     * holds: a section over a list of twenty, nested six deep, repeated its text 20^6 times for each recipient.
     * <p>
     * A name is a key of an object or an index of a list, never a method or field of a value: JMustache's default
     * collector would run {@code {{name.bytes}}} or {@code {{attributes.city.toUpperCase}}} by reflection on the
     * profile's values, code that an operator's template has no business calling.
     */
    private static final Mustache.Compiler COMPILER = Mustache.compiler()
            .escapeHTML(false)
            .emptyStringIsFalse(true)
            .defaultValue("")
            .withCollector(new BasicCollector() {
                @Override
                public Iterator<?> toIterator(Object value) {
                    return null;
                }

                @Override
                public <K, V> Map<K, V> createFetcherCache() {
                    return new ConcurrentHashMap<>();
                }
            })
            .withFormatter(ContentTemplate::format)
            .withLoader(name -> {
                throw new MustacheException("A content template cannot include another ('" + name + "')");
            });

    private ContentTemplate() {
    }

    public static Template compile(String template) {
        return COMPILER.compile(expandDefaults(template));
    }

    /** Why the template does not compile (an unclosed or stray section, a bad tag), or empty when it does. */
    public static Optional<String> syntaxError(String template) {
        if (template == null) {
            return Optional.empty();
        }
        if (UNSUPPORTED_TAG.matcher(template).find()) {
            return Optional.of("is not a valid template: partials ({{>name}}), parents ({{<name}}) and changed "
                    + "delimiters ({{=…=}}) are not supported in content");
        }
        try {
            compile(template);
            return Optional.empty();
        } catch (MustacheException e) {
            return Optional.of("is not a valid template: " + e.getMessage());
        }
    }

    /** A value as text: a list's items joined by ", " (empty for none), anything else as itself. */
    private static String format(Object value) {
        if (value instanceof Collection<?> items) {
            return items.stream().map(ContentTemplate::format).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
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
}
