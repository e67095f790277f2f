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
import java.io.IOException;
import java.util.List;

/**
 * JSON as clients send it, read strictly (request bodies, import rows): a field the API does not know is an error
 * naming it, not silently dropped (a misspelt {@code sendat} would have sent at once); a value of the wrong JSON type
 * is an error too, not converted ({@code 1.5} for a whole number, {@code 5} for a text, {@code "10"} for a number,
 * {@code 3} or {@code "3"} for an enum's value),
 * and so is a field given twice, or anything after the value ({@code {…} x}, or a second object on an NDJSON line,
 * which was dropped). No text may hold a NUL character: PostgreSQL stores none, so it would fail there as a
 * 500 (H2 takes it).
 */
public final class StrictJson {

    public static final String NUL_MESSAGE = "must not contain a NUL character (\\u0000)";

    private StrictJson() {
    }

    public static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    public static ObjectMapper of(ObjectMapper lenient) {
        ObjectMapper strict = lenient.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
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

    /** Text without a NUL character, as PostgreSQL stores text; one with it is refused as a value in the wrong form. */
    static final class NulFreeText extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = super.deserialize(parser, context);
            if (hasNul(text)) {
                throw InvalidFormatException.from(parser, NUL_MESSAGE, text, String.class);
            }
            return text;
        }
    }
}
