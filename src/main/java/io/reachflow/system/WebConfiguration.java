package io.reachflow.system;

import com.fasterxml.jackson.databind.DeserializationFeature;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Request bodies are read strictly: a field the API does not know is a 400 naming it, not silently dropped (a
 * misspelt {@code sendat} would have sent at once). The controllers get their own JSON converter, over a copy of
 * the application's object mapper; the mapper itself stays lenient, for what is read elsewhere (providers'
 * answers, stored JSON, the engine), and so does the converter bean that HTTP clients may share.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.replaceAll(converter -> converter.getClass() == MappingJackson2HttpMessageConverter.class
                ? strict((MappingJackson2HttpMessageConverter) converter) : converter);
    }

    private static MappingJackson2HttpMessageConverter strict(MappingJackson2HttpMessageConverter lenient) {
        MappingJackson2HttpMessageConverter strict = new MappingJackson2HttpMessageConverter(
                lenient.getObjectMapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        strict.setSupportedMediaTypes(lenient.getSupportedMediaTypes());
        return strict;
    }
}
