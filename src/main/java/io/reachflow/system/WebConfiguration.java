package io.reachflow.system;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Request bodies are read strictly: a field the API does not know is a 400 naming it, not silently dropped (a
 * misspelt {@code sendat} would have sent at once); a value of the wrong JSON type is a 400 too, not converted
 * ({@code 1.5} for a whole number, {@code 5} for a text, {@code "10"} for a number), and so is a field given twice.
 * No text may hold a NUL character, in a body or a query parameter: PostgreSQL stores none, so it would fail as a
 * 500 there (H2 takes it). The controllers get their own JSON converter, over a copy of the application's object
 * mapper; the mapper itself stays lenient, for what is read elsewhere (providers' answers, stored JSON, the
 * engine), and so does the converter bean that HTTP clients may share.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.replaceAll(converter -> converter.getClass() == MappingJackson2HttpMessageConverter.class
                ? strict((MappingJackson2HttpMessageConverter) converter) : converter);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                request.getParameterMap().forEach((name, values) -> {
                    if (Arrays.stream(values).anyMatch(NulFreeText::hasNul)) {
                        throw InvalidParameter.of(name, "Parameter '" + name + "' " + NulFreeText.MESSAGE,
                                NulFreeText.MESSAGE);
                    }
                });
                return true;
            }
        }).addPathPatterns("/api/**");
    }

    static ObjectMapper strict(ObjectMapper lenient) {
        ObjectMapper strict = lenient.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .registerModule(new SimpleModule("nul-free-text").addDeserializer(String.class, new NulFreeText()));
        for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            strict.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            strict.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return strict;
    }

    private static MappingJackson2HttpMessageConverter strict(MappingJackson2HttpMessageConverter lenient) {
        MappingJackson2HttpMessageConverter strict = new MappingJackson2HttpMessageConverter(
                strict(lenient.getObjectMapper()));
        strict.setSupportedMediaTypes(lenient.getSupportedMediaTypes());
        return strict;
    }

    /** Text without a NUL character, as PostgreSQL stores text; one with it is refused as a value in the wrong form. */
    static final class NulFreeText extends StringDeserializer {

        static final String MESSAGE = "must not contain a NUL character (\\u0000)";

        static boolean hasNul(String text) {
            return text != null && text.indexOf('\u0000') >= 0;
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = super.deserialize(parser, context);
            if (hasNul(text)) {
                throw InvalidFormatException.from(parser, MESSAGE, text, String.class);
            }
            return text;
        }
    }
}
