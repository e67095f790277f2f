package io.reachflow.system;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.http.converter.yaml.MappingJackson2YamlHttpMessageConverter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Request bodies are read strictly ({@link StrictJson}), and so are query parameters: one the endpoint does not
 * take is a 400 naming those it does (as an unknown field of a body is), and none may hold a NUL character. The
 * controllers get their own JSON converter, over a strict copy of the application's object mapper; the mapper itself
 * stays lenient, for what is read elsewhere (providers' answers, stored JSON, the engine), and so does the converter
 * bean that HTTP clients may share.
 *
 * <p>The API reads and answers JSON only, as its OpenAPI document says (and the import its NDJSON and CSV, which it
 * reads as a stream). Spring MVC would also have read and written YAML, since the OpenAPI library brings Jackson's
 * YAML module along: a body in YAML was read by a lenient mapper of its own, past every rule above (a misspelt field
 * dropped, "10" taken for a number, a field given twice), and {@code Accept: application/yaml} was answered. Without
 * that converter, such a body is a 415 that names JSON, and such a read a 406, as is a read of a resource as
 * {@code application/problem+json}. (The OpenAPI document in YAML, {@code /v3/api-docs.yaml}, is text that springdoc
 * writes itself.)
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private static final Map<Method, Set<String>> QUERY_PARAMETERS = new ConcurrentHashMap<>();
    /** What a browser client adds to defeat caches ({@code ?_=1700000000000}, jQuery's {@code cache: false}). */
    private static final String CACHE_BUSTER = "_";

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(MappingJackson2YamlHttpMessageConverter.class::isInstance);
        converters.replaceAll(converter -> converter.getClass() == MappingJackson2HttpMessageConverter.class
                ? strict((MappingJackson2HttpMessageConverter) converter) : converter);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (handler instanceof HandlerMethod method && request.getQueryString() != null) {
                    // as strict as the bodies: "?stauts=DRAFT" would otherwise answer the whole list. Only the query
                    // string's: a JSON body sent as a form (curl -d without a Content-Type) is the 415 it was
                    Set<String> known = queryParameters(method);
                    UriComponentsBuilder.fromUriString("?" + request.getQueryString()).build().getQueryParams()
                            .keySet().stream()
                            .map(WebConfiguration::decoded)
                            .filter(name -> !known.contains(name) && !name.equals(CACHE_BUSTER))
                            .findFirst()
                            .ifPresent(name -> {
                                throw InvalidParameter.of(name, "Unknown parameter '" + name + "'"
                                        + (known.isEmpty() ? ": this endpoint takes none" : "; this endpoint takes "
                                        + String.join(", ", new TreeSet<>(known))), "is not a parameter of this endpoint");
                            });
                }
                request.getParameterMap().forEach((name, values) -> {
                    if (Arrays.stream(values).anyMatch(StrictJson::hasNul)) {
                        throw InvalidParameter.of(name, "Parameter '" + name + "' " + StrictJson.NUL_MESSAGE,
                                StrictJson.NUL_MESSAGE);
                    }
                });
                return true;
            }
        }).addPathPatterns("/api/**");
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                    throws NoResourceFoundException {
                // Spring Boot's error page answers the server's own error dispatches; asked for directly it has no
                // error to show and answered 500 ("status": 999): it is no endpoint of the application
                if (request.getDispatcherType() == DispatcherType.REQUEST && handler instanceof HandlerMethod method
                        && method.getBean() instanceof ErrorController) {
                    throw new NoResourceFoundException(HttpMethod.valueOf(request.getMethod()),
                            request.getRequestURI().substring(1));
                }
                return true;
            }
        });
    }

    /** A parameter's name as sent in the query string, decoded; as sent when it is no valid escape. */
    private static String decoded(String name) {
        try {
            return UriUtils.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notAnEscape) {
            return name;
        }
    }

    /** The query (and form) parameters an endpoint reads: its {@code @RequestParam}s, by name. */
    private static Set<String> queryParameters(HandlerMethod method) {
        return QUERY_PARAMETERS.computeIfAbsent(method.getMethod(), m -> Arrays.stream(method.getMethodParameters())
                .filter(parameter -> parameter.hasParameterAnnotation(RequestParam.class))
                .map(parameter -> {
                    RequestParam annotation = parameter.getParameterAnnotation(RequestParam.class);
                    return annotation.name().isEmpty() ? parameter.getParameter().getName() : annotation.name();
                })
                .collect(Collectors.toUnmodifiableSet()));
    }

    private static MappingJackson2HttpMessageConverter strict(MappingJackson2HttpMessageConverter lenient) {
        MappingJackson2HttpMessageConverter strict = new MappingJackson2HttpMessageConverter(
                StrictJson.of(lenient.getObjectMapper())) {
            @Override
            public List<MediaType> getSupportedMediaTypes(Class<?> type) {
                // what the API answers is JSON, and a problem only when it is one: the converter's application/*+json
                // covers application/problem+json, so a task or a list asked for with it (first) was answered
                // labelled a problem. (A map is the error page's body, which Spring Boot writes for errors outside
                // the controllers.)
                return !ProblemDetail.class.isAssignableFrom(type) && !Map.class.isAssignableFrom(type)
                        && super.canWrite(type, null)
                        ? List.of(MediaType.APPLICATION_JSON) : super.getSupportedMediaTypes(type);
            }
        };
        strict.setSupportedMediaTypes(lenient.getSupportedMediaTypes());
        return strict;
    }
}
