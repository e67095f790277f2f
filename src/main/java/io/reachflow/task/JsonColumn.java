package io.reachflow.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.persistence.AttributeConverter;
import java.util.List;

/**
 * Stores a value object as JSON text, portable across H2 and PostgreSQL. Value objects are read whole and never
 * queried inside, so a text column is enough.
 */
public abstract class JsonColumn<T> implements AttributeConverter<T, String> {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final TypeReference<T> type;

    protected JsonColumn(TypeReference<T> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(T value) {
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public T convertToEntityAttribute(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot read stored JSON as " + type.getType(), e);
        }
    }

    public static final class AudienceColumn extends JsonColumn<Audience> {
        public AudienceColumn() {
            super(new TypeReference<>() { });
        }
    }

    public static final class ContentColumn extends JsonColumn<Content> {
        public ContentColumn() {
            super(new TypeReference<>() { });
        }
    }

    public static final class ScheduleColumn extends JsonColumn<Schedule> {
        public ScheduleColumn() {
            super(new TypeReference<>() { });
        }
    }

    public static final class TriggerColumn extends JsonColumn<Trigger> {
        public TriggerColumn() {
            super(new TypeReference<>() { });
        }
    }

    public static final class ConversionColumn extends JsonColumn<Conversion> {
        public ConversionColumn() {
            super(new TypeReference<>() { });
        }
    }

    public static final class StringListColumn extends JsonColumn<List<String>> {
        public StringListColumn() {
            super(new TypeReference<>() { });
        }
    }
}
