package io.reachflow.system;

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
import org.springdoc.core.customizers.OpenApiCustomizer;
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
 * retention.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    private static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";

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

    /** Added when the document is built (springdoc drops schemas of the base document that nothing refers to yet). */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> addProblems(path, item));
        };
    }

    private static void addProblems(String path, PathItem item) {
        if (!path.startsWith("/api/")) {
            return;
        }
        item.readOperationsMap().forEach((method, operation) -> {
            ApiResponses responses = operation.getResponses();
            add(responses, "400", "A parameter or the body is invalid: errors names each bad field");
            add(responses, "401", "No credentials, or wrong ones");
            add(responses, "403", "The caller's groups may not do this");
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
        problem.addProperty("instance", new StringSchema().format("uri"));
        problem.addProperty("errors", new ArraySchema().items(fieldError)
                .description("Each bad field of a 400"));
        problem.addProperty("allowedActions", new ArraySchema().items(new StringSchema())
                .description("What the task's state allows, on a 409 for an action it does not"));
        return problem;
    }
}
