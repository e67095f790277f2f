package io.reachflow.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Request bodies are read strictly ({@link StrictJson}), and no query parameter may hold a NUL character. The
 * controllers get their own JSON converter, over a strict copy of the application's object mapper; the mapper itself
 * stays lenient, for what is read elsewhere (providers' answers, stored JSON, the engine), and so does the converter
 * bean that HTTP clients may share.
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
                    if (Arrays.stream(values).anyMatch(StrictJson::hasNul)) {
                        throw InvalidParameter.of(name, "Parameter '" + name + "' " + StrictJson.NUL_MESSAGE,
                                StrictJson.NUL_MESSAGE);
                    }
                });
                return true;
            }
        }).addPathPatterns("/api/**");
    }

    private static MappingJackson2HttpMessageConverter strict(MappingJackson2HttpMessageConverter lenient) {
        MappingJackson2HttpMessageConverter strict = new MappingJackson2HttpMessageConverter(
                StrictJson.of(lenient.getObjectMapper()));
        strict.setSupportedMediaTypes(lenient.getSupportedMediaTypes());
        return strict;
    }
}
