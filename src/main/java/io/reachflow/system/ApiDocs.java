package io.reachflow.system;

import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import jakarta.validation.constraints.NotBlank;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of {@code /api} (Swagger UI reads it): HTTP Basic, and on every operation the errors it can
 * answer, as RFC 9457 problem details ({@code Problem}): 400 with the bad fields, 401, 403, 404 for a resource in
 * its path, 415 where it reads a body (a body of another type than it reads: JSON, or the import's NDJSON and CSV),
 * and on the tasks' changes 409 (a stale version or an action the state does not allow, with the allowed
 * ones) and, where the version is required (an edit, the testers), 428 (no version given); where an
 * {@code Idempotency-Key} is taken, 422 (the key used for another request), 409 (its request still being done) and
 * the {@code Idempotent-Replayed} header of an answer given again; 410 for a push's recipients deleted after the
 * retention; 503 with {@code Retry-After} while the application starts or stops. The headers of a success: a task's
 * {@code ETag} (its version, for {@code If-Match}) and a created resource's {@code Location}. A user id's rule is
 * written as a pattern a browser's regular expressions read (Swagger UI checks a path with it before it sends it).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    private static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";
    /**
     * {@link UserId#PATTERN} for ECMAScript without the {@code u} flag, anchored (a schema's pattern is not): no
     * {@code \p{…}} classes, so control and format characters are written as ranges. The server's rule decides.
     */
    static final String USER_ID_PATTERN = "^(?!\\.{1,2}$)[^/\\\\\\s%;\\u0000-\\u001f\\u007f-\\u009f\\u00ad"
            + "\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f"
            + "\\ufeff\\ufff9-\\ufffb]+$";
    /** Where a user id is a schema's property, or the items of one, which springdoc documents without its rule. */
    private static final Map<String, String> USER_ID_PROPERTIES = Map.of("UserProfile", "id", "Audience", "users",
            "TaskRequest", "testers", "TestersRequest", "testers");

    static {
        // as Jackson reads and writes them, with examples that Swagger UI's "Try it out" can send as they are
        SpringDocUtils.getConfig()
                .replaceWithSchema(Duration.class, new StringSchema().format("duration").example("PT1H")
                        .description("An ISO-8601 duration, such as PT1H or P1D (written back in hours: PT24H); a "
                                + "number is seconds"))
                .replaceWithSchema(LocalTime.class, new StringSchema().format("partial-time").example("09:00")
                        .description("A time of day, HH:mm or HH:mm:ss"));
    }

    @Bean
    OpenAPI reachflowOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Reachflow API").version("v1")
                        .description("Operation tasks from draft to completed, on an embedded Camunda 7 engine. "
                                + "HTTP Basic with the users of the Camunda identity service. Errors are RFC 9457 "
                                + "problem details (application/problem+json)."))
                .components(new Components()
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList("basic"));
    }

    /**
     * A text that must not be blank takes at least one character, and says so: a {@code @Size} with only a maximum
     * wrote {@code minLength: 0} over what {@code @NotBlank} implies (a record's schema is completed once its
     * properties are, so it is mended here, after them).
     */
    @Bean
    ModelConverter nonBlankTexts() {
        return (type, context, chain) -> {
            Schema<?> resolved = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
            Class<?> raw = Json.mapper().constructType(type.getType()).getRawClass();
            if (resolved == null || !raw.isRecord() || !raw.getName().startsWith("io.reachflow.")) {
                return resolved;
            }
            Schema<?> model = resolved.get$ref() == null ? resolved : context.getDefinedModels()
                    .get(resolved.get$ref().substring(resolved.get$ref().lastIndexOf('/') + 1));
            if (model != null && model.getProperties() != null) {
                for (RecordComponent component : raw.getRecordComponents()) {
                    Schema<?> property = model.getProperties().get(component.getName());
                    if (property != null && component.getAccessor().isAnnotationPresent(NotBlank.class)
                            && (property.getMinLength() == null || property.getMinLength() < 1)) {
                        property.setMinLength(1);
                    }
                }
            }
            return resolved;
        };
    }

    /** Added when the document is built (springdoc drops schemas of the base document that nothing refers to yet). */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith("/api/")) {
                    addProblems(path, item);
                    addSuccessHeaders(item);
                }
            });
            documentUserIds(openApi);
        };
    }

    private static void addSuccessHeaders(PathItem item) {
        item.readOperationsMap().forEach((method, operation) -> operation.getResponses().forEach((status, response) -> {
            if (!status.startsWith("2")) {
                return;
            }
            boolean task = response.getContent() != null && response.getContent().values().stream()
                    .anyMatch(media -> media.getSchema() != null && media.getSchema().get$ref() != null
                            && media.getSchema().get$ref().endsWith("/TaskView"));
            if (task) {
                response.addHeaderObject("ETag", new Header().description("The task's version, quoted: send it in "
                        + "If-Match with a change made from this task").schema(new StringSchema().example("\"3\"")));
            }
            if (status.equals("201")) {
                response.addHeaderObject("Location", new Header().description("Where the created resource is read")
                        .schema(new StringSchema().format("uri-reference")));
            }
        }));
    }

    private static void documentUserIds(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        USER_ID_PROPERTIES.forEach((component, property) -> {
            Schema<?> owner = schemas == null ? null : schemas.get(component);
            Schema<?> schema = owner == null || owner.getProperties() == null ? null
                    : (Schema<?>) owner.getProperties().get(property);
            if (schema == null) {
                return;
            }
            userId(schema.getItems() != null ? schema.getItems() : schema);
        });
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters().stream()
                        .filter(parameter -> parameter.getSchema() != null
                                && UserId.PATTERN.equals(parameter.getSchema().getPattern()))
                        .forEach(parameter -> userId(parameter.getSchema()));
            }
        }));
    }

    private static void userId(Schema<?> schema) {
        schema.setPattern(USER_ID_PATTERN);
        schema.setMaxLength(128);
        schema.setDescription(schema.getDescription() == null ? "A user id: " + UserId.RULE
                : schema.getDescription());
    }

    private static void addProblems(String path, PathItem item) {
        item.readOperationsMap().forEach((method, operation) -> {
            ApiResponses responses = operation.getResponses();
            add(responses, "400", "A parameter or the body is invalid: errors names each bad field where the problem "
                    + "is a field's (a body that is no JSON, or no CSV, is one detail)");
            add(responses, "401", "No credentials, or wrong ones; failed logins lock the user, for seconds at first "
                    + "and longer with each, until an admin unlocks it after ten in a row");
            add(responses, "403", "The caller's groups may not do this, separation of duties forbids it (a review "
                    + "by its task's creator, submitter or editor), or a browser sent the change from another site's "
                    + "page");
            if (path.contains("{")) {
                add(responses, "404", "Nothing at this path: no such task (or it was deleted), push, user or "
                        + "import");
            }
            if (operation.getRequestBody() != null) {
                add(responses, "415", "The body's Content-Type is not one this endpoint reads: the detail names "
                        + "those it does");
            }
            if (path.equals("/api/tasks/{id}/pushes/{pushId}/recipients")) {
                add(responses, "410", "The push's recipients were deleted after the retention "
                        + "(reachflow.delivery.recipients-retention): its counts are kept in the push history");
            }
            boolean changesATask = path.startsWith("/api/tasks/{id}") && method != PathItem.HttpMethod.GET;
            boolean idempotent = operation.getParameters() != null && operation.getParameters().stream()
                    .anyMatch(parameter -> IdempotentRequests.HEADER.equals(parameter.getName()));
            if (changesATask) {
                add(responses, "409", "The task changed since the version given (a stale If-Match or version), "
                        + "or its state does not allow the action: allowedActions lists the ones it does"
                        + (idempotent ? "; or a request with the Idempotency-Key is still being done" : ""));
            }
            if (idempotent) {
                add(responses, "409", "A request with the Idempotency-Key is still being done: send it again later");
                add(responses, "422", "The Idempotency-Key was used for another request");
                responses.forEach((status, response) -> {
                    if (status.startsWith("2")) {
                        response.addHeaderObject(IdempotentRequests.REPLAYED, new Header().description("true when "
                                + "this is the answer of an earlier request with the Idempotency-Key, given again")
                                .schema(new StringSchema()));
                    }
                });
            }
            ApiResponse unavailable = new ApiResponse().description("The application is starting or stopping "
                    + (path.equals("/api/users/import") ? "(an import it stopped is FAILED, and may be sent again)"
                    : "") + ": send it again after Retry-After seconds").content(new Content()
                    .addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM))));
            unavailable.addHeaderObject("Retry-After", new Header().description("Seconds to wait")
                    .schema(new IntegerSchema()));
            responses.putIfAbsent("503", unavailable);
            // the changes that replace what the task holds need its version; the others take it when given
            if (method == PathItem.HttpMethod.PUT && (path.equals("/api/tasks/{id}")
                    || path.equals("/api/tasks/{id}/testers"))) {
                add(responses, "428", "The task's version is needed: If-Match (its ETag, or *) or version in "
                        + "the body");
            }
        });
    }

    private static void add(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, new ApiResponse().description(description).content(new Content()
                    .addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM)))));
        }
    }

    private static Schema<?> problemSchema() {
        ObjectSchema fieldError = new ObjectSchema();
        fieldError.addProperty("field", new StringSchema().description("The field's JSON path, or the parameter"));
        fieldError.addProperty("message", new StringSchema());
        ObjectSchema problem = new ObjectSchema();
        problem.description("RFC 9457 problem details");
        problem.addProperty("type", new StringSchema().format("uri"));
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema().description("What is wrong, in words"));
        problem.addProperty("instance", new StringSchema().format("uri-reference"));
        problem.addProperty("errors", new ArraySchema().items(fieldError)
                .description("Each bad field of a 400"));
        problem.addProperty("allowedActions", new ArraySchema().items(new StringSchema())
                .description("What the task's state allows, on a 409 for an action it does not"));
        return problem;
    }
}
