package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.audience.UserProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

    private final TemplateRenderer renderer = new TemplateRenderer();

    private static Map<String, Object> user(String name, Map<String, Object> attributes) {
        return TemplateRenderer.context(new UserProfile("u1", name, "u1@example.com", null, null, "Europe/Berlin", "de",
                Set.of(), attributes, Set.of()));
    }

    @Test
    void fillsProfileAndAttributePlaceholders() {
        assertThat(renderer.compile("Hi {{name}}, news from {{attributes.city}}").render(user("Ana", Map.of("city", "Porto"))))
                .isEqualTo("Hi Ana, news from Porto");
    }

    @Test
    void usesTheDefaultWhenValueIsMissingOrEmpty() {
        TemplateRenderer.Compiled hello = renderer.compile("Hi {{name|there}} in {{ attributes.city | your city }}!");
        assertThat(hello.render(user(null, Map.of()))).isEqualTo("Hi there in your city!");
        assertThat(hello.render(user("", Map.of("city", "")))).isEqualTo("Hi there in your city!");
        assertThat(hello.render(user("Bo", Map.of("city", "Oslo")))).isEqualTo("Hi Bo in Oslo!");
    }

    @Test
    void aNullAttributeIsMissing() {
        Map<String, Object> attributes = new java.util.HashMap<>();
        attributes.put("city", null);
        TemplateRenderer.Compiled hello = renderer.compile("In {{attributes.city|your city}}[{{attributes.city}}]");
        assertThat(hello.render(user("Bo", attributes))).isEqualTo("In your city[]");
        TemplateRenderer.Message message = new TemplateRenderer.Message(hello, hello);
        assertThat(message.title(message.context("u1", "Bo", null, null, null, null, attributes)))
                .as("a push's recipient").isEqualTo("In your city[]");
    }

    @Test
    void rendersMissingValuesWithoutDefaultAsEmpty() {
        assertThat(renderer.compile("[{{attributes.unknown}}]").render(user("Bo", Map.of()))).isEqualTo("[]");
    }

    /** A template reads keys and list items, and calls nothing on a value, whichever way the push renders it. */
    @Test
    void aNameNeverCallsAMethodOrReadsAFieldOfAValue() {
        Map<String, Object> attributes = Map.of("city", "Porto", "tags", List.of("a", "b"), "visits", 3);
        String template = "[{{name.bytes}}|{{name.length}}|{{attributes.city.toUpperCase}}|{{attributes.tags.size}}"
                + "|{{attributes.visits.class}}|{{attributes.city.hash}}|{{attributes.tags.0}}|{{attributes.city}}]";
        String expected = "[||||||a|Porto]";
        assertThat(renderer.compile(template).render(user("Ana", attributes))).isEqualTo(expected);
        TemplateRenderer.Message message = new TemplateRenderer.Message(renderer.compile(template),
                renderer.compile(null));
        assertThat(message.title(message.context("u1", "Ana", null, null, null, null, attributes))).isEqualTo(expected);
    }

    @Test
    void doesNotEscapeHtml() {
        assertThat(renderer.compile("{{name}} & co").render(user("<Tom & Jerry>", Map.of()))).isEqualTo("<Tom & Jerry> & co");
    }

    /** A list reads as its items and is a condition, true when it has some: its section never repeats. */
    @Test
    void aListIsItsItemsAndASectionOverItIsAConditionNotALoop() {
        TemplateRenderer.Compiled sizes = renderer.compile(
                "Sizes: {{attributes.sizes|none}}.{{#attributes.sizes}} In stock!{{/attributes.sizes}}"
                        + "{{^attributes.sizes}} Sold out.{{/attributes.sizes}}");

        assertThat(sizes.render(user("Bo", Map.of("sizes", List.of("S", "M", "L")))))
                .isEqualTo("Sizes: S, M, L. In stock!");
        assertThat(sizes.render(user("Bo", Map.of("sizes", List.of())))).isEqualTo("Sizes: none. Sold out.");
        assertThat(sizes.render(user("Bo", Map.of()))).isEqualTo("Sizes: none. Sold out.");
    }

    /**
     * Sections nested over a list render their text once: repeated per item, three levels over twenty items wrote
     * it 8,000 times, and six levels 64 million times, for each recipient.
     */
    @Test
    void nestedSectionsOverAListRenderTheirTextOnce() {
        List<Object> twenty = java.util.Collections.nCopies(20, "x");
        String template = "{{#attributes.l}}".repeat(3) + "*" + "{{/attributes.l}}".repeat(3);

        assertThat(renderer.compile(template).render(user("Bo", Map.of("l", twenty)))).isEqualTo("*");
    }

    /** A long value fills a message up to what it keeps, cut with "…", never inside a character's surrogate pair. */
    @Test
    void aMessageKeepsAtMostItsLongestTitleAndBody() {
        TemplateRenderer.Message message = new TemplateRenderer.Message(renderer.compile("{{attributes.nick}}"),
                renderer.compile("Dear {{attributes.nick}}"));
        Map<String, Object> context = message.context("u1", "Ana", null, null, null, null,
                Map.of("nick", "a".repeat(998) + "\uD83D\uDE00" + "b".repeat(30_000)));

        String title = message.title(context);
        String body = message.body(context);

        assertThat(title).as("the pair left out whole").hasSize(TemplateRenderer.MAX_TITLE - 1).startsWith("aaa").endsWith("a…");
        assertThat(body).hasSize(TemplateRenderer.MAX_BODY).startsWith("Dear aaa").endsWith("b…");
        assertThat(message.title(message.context("u1", "Ana", null, null, null, null, Map.of("nick", "Bo"))))
                .isEqualTo("Bo");
    }

    @Test
    void rendersNullTemplateAsNull() {
        assertThat(renderer.compile(null).render(user("Bo", Map.of()))).isNull();
    }

    @Test
    void aPushMessageRendersAsTheProfileWould() {
        Map<String, Object> attributes = Map.of("city", "Porto", "tier", "", "address", Map.of("street", "Rua 1"),
                "visits", 3, "tags", List.of("a", "b"), "this", "T", "vip", true,
                "kids", List.of(Map.of("name", "k1", "attributes", Map.of("x", "kx")), Map.of("name", "k2")),
                "x", "rootx", "m", Map.of("attributes", Map.of("m", "inner")));
        for (String template : List.of("Hi {{name|there}} in {{attributes.city}}",
                "{{attributes.tier|basic}} {{ attributes.address.street }} {{attributes.address.zip|no zip}}",
                "{{#attributes.visits}}{{attributes.visits}} visits{{/attributes.visits}}{{^attributes.gone}}!{{/attributes.gone}}",
                "{{attributes.city.name|x}} {{#attributes.tags}}{{.}}{{/attributes.tags}} {{attributes}}",
                "{{email}} {{locale}} {{timeZone}} {{id}} {{phone|no phone}} {{attributes.vip}} {{attributes.visits|0}}",
                // an inner object's own attributes key, in front of the recipient's
                "{{#attributes.kids}}{{name}}:{{attributes.x}};{{/attributes.kids}}",
                "{{attributes.m|none}}",
                // names JMustache reads its own way
                "{{attributes.this}} {{this.attributes.city}} {{attributes.}} {{.}}")) {
            TemplateRenderer.Message message = new TemplateRenderer.Message(renderer.compile(template),
                    renderer.compile(null));
            Map<String, Object> context = message.context("u1", "Ana", "u1@example.com", null, "de", "Europe/Berlin",
                    message.readsAttributes() ? attributes : null);
            assertThat(message.title(context)).as(template).isEqualTo(renderer.compile(template).render(user("Ana",
                    attributes)));
            assertThat(message.body(context)).isNull();
        }
        // what makes it quick: the path is a key of its own, looked up once
        assertThat(new TemplateRenderer.Message(renderer.compile("{{attributes.address.street}}"), renderer.compile(null))
                .context("u1", "Ana", null, null, null, null, attributes)).containsEntry("attributes.address.street", "Rua 1")
                .doesNotContainKey("attributes.address");
    }

    @Test
    void aPushMessageReadsAttributesOnlyWhenItsTemplatesUseThem() {
        assertThat(new TemplateRenderer.Message(renderer.compile("Hi {{name}}"), renderer.compile("{{email|none}}"))
                .readsAttributes()).isFalse();
        assertThat(new TemplateRenderer.Message(renderer.compile("Hi {{name}}"),
                renderer.compile("{{attributes.vip|Join}}")).readsAttributes()).isTrue();
        assertThat(new TemplateRenderer.Message(renderer.compile("Hi {{name}}"),
                renderer.compile("{{#id}}{{.}}{{/id}}")).readsAttributes()).as("a section of its own: everything")
                .isTrue();
        TemplateRenderer.Message plain = new TemplateRenderer.Message(renderer.compile("Hi {{name|there}}"),
                renderer.compile("{{attributes.city|here}}"));
        assertThat(plain.body(plain.context("u1", null, null, null, null, null, null))).isEqualTo("here");
        assertThat(plain.title(plain.context("u1", null, null, null, null, null, null))).isEqualTo("Hi there");
    }
}
