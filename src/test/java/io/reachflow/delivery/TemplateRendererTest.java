package io.reachflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachflow.audience.UserProfile;
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
    void rendersMissingValuesWithoutDefaultAsEmpty() {
        assertThat(renderer.compile("[{{attributes.unknown}}]").render(user("Bo", Map.of()))).isEqualTo("[]");
    }

    @Test
    void doesNotEscapeHtml() {
        assertThat(renderer.compile("{{name}} & co").render(user("<Tom & Jerry>", Map.of()))).isEqualTo("<Tom & Jerry> & co");
    }

    @Test
    void rendersNullTemplateAsNull() {
        assertThat(renderer.compile(null).render(user("Bo", Map.of()))).isNull();
    }
}
