package io.reachflow.audience.web;

import io.reachflow.audience.ErasedUser;
import io.reachflow.audience.ImportFormat;
import io.reachflow.audience.ImportCutOffException;
import io.reachflow.audience.ImportRefusedException;
import io.reachflow.audience.ImportReport;
import io.reachflow.audience.ImportStatus;
import io.reachflow.audience.UserImports;
import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.reachflow.system.InvalidParameter;
import io.reachflow.system.UserId;
import io.reachflow.system.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
@RequestMapping("/api/users")
@Tag(name = "Users", description = "Audience profiles of the app that owns the users")
class UserController {

    private final UserService users;
    private final UserImports imports;

    UserController(UserService users, UserImports imports) {
        this.users = users;
        this.imports = imports;
    }

    @PutMapping("/{id}")
    @Operation(summary = "Create or replace a user profile")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "a profile", value = """
                    {"name": "Dana", "email": "dana@example.com", "timeZone": "Europe/Lisbon", "locale": "pt-PT",
                     "tags": ["vip"], "attributes": {"city": "Lisbon"}, "optOut": []}""")))
    @ApiResponse(responseCode = "200", description = "Replaced")
    @ApiResponse(responseCode = "201", description = "Created, with its Location")
    ResponseEntity<UserProfile> upsert(@PathVariable @UserId String id,
                                       @Valid @RequestBody UserProfile profile) {
        if (profile.id() != null && !profile.id().equals(id)) {
            // a profile is not renamed by a PUT: one body for two ids is a mistake, not a choice to guess at
            throw InvalidParameter.of("id", "The body's id '" + profile.id() + "' is not the path's '" + id
                    + "': leave it out, or make it the same", "must be the path's id, or left out");
        }
        UserProfile stored = profile.withId(id);
        boolean created = users.upsert(stored);
        UserProfile body = users.find(id).orElseThrow();
        return created ? ResponseEntity.created(UriComponentsBuilder.fromPath("/api/users/{id}").buildAndExpand(id)
                .encode().toUri()).body(body) : ResponseEntity.ok(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A user profile")
    UserProfile getUser(@PathVariable String id) {
        return users.find(id).orElseThrow(() -> noUser(id));
    }

    private static ResponseStatusException noUser(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No user with id " + id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Erase a user (the right to erasure): the profile with its tags and opt-outs, the user's "
            + "in-app and outbox messages, and their recipient rows of finished live pushes; what pushes being "
            + "delivered had yet to send them is skipped (USER_DELETED). A push still being delivered keeps its record "
            + "of what it already did for them (id and outcome) until its recipients are pruned. The same id can be "
            + "created again later.")
    @ApiResponse(responseCode = "200", description = "Erased: what was erased with the profile, by kind")
    ErasedUser erase(@PathVariable String id) {
        return users.erase(id).orElseThrow(() -> noUser(id));
    }

    @PostMapping(value = "/import", consumes = {"application/x-ndjson", "text/csv"})
    @Operation(summary = "Bulk import profiles from NDJSON (one profile per line) or CSV (header row; tags and "
            + "optOut joined by '|'; attributes.<name> columns), streamed: any size. Each row creates or replaces "
            + "a profile; bad rows are reported by line and skipped (a CSV whose header row is missing, has no id "
            + "column or one a profile does not have is refused at once, 400). Answers when the whole upload is read; "
            + "GET /api/users/imports shows its progress meanwhile.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "The rows: a CSV file with "
            + "its header row, or NDJSON", content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = "string"),
                        examples = @ExampleObject(value = "id,name,email,tags,attributes.city\n"
                                + "erik,Erik,erik@example.com,vip|nordic,Oslo\n")),
                @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string"),
                        // two lines, so that Swagger UI shows them as they are (one JSON value it would pretty-print
                        // over several lines, each then a bad row)
                        examples = @ExampleObject(value = "{\"id\": \"erik\", \"name\": \"Erik\", \"tags\": [\"vip\"]}\n"
                                + "{\"id\": \"frida\", \"name\": \"Frida\", \"attributes\": {\"city\": \"Oslo\"}}\n"))})
    @ApiResponse(responseCode = "201", description = "The upload is read: the import's report, with its Location")
    ResponseEntity<ImportReport> importUsers(@Parameter(hidden = true) @RequestHeader("Content-Type") String contentType,
                                             HttpServletRequest request) throws IOException {
        ImportFormat format = contentType.startsWith("text/csv") ? ImportFormat.CSV : ImportFormat.NDJSON;
        ImportReport report;
        try {
            report = imports.run(request.getInputStream(), format, request.getContentLengthLong());
        } catch (ImportRefusedException e) {
            throw InvalidParameter.unreadableBody(e.getMessage());
        } catch (ImportCutOffException e) {
            ErrorResponseException stopping = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "Import " + e.importId()
                            + " is FAILED: " + e.getMessage()),
                    null);
            stopping.getHeaders().set(HttpHeaders.RETRY_AFTER, "30");
            throw stopping;
        }
        return ResponseEntity.created(URI.create("/api/users/imports/" + report.id())).body(report);
    }

    @GetMapping("/imports")
    @Operation(summary = "Bulk imports, newest first, a page at a time, with their progress (rows, percent of the "
            + "upload) or outcome")
    PageView<ImportReport> imports(@RequestParam(required = false) ImportStatus status,
                                   @RequestParam(defaultValue = "0") @Min(0) int page,
                                   @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        PageView.requireReachable(page, size);
        return PageView.of(imports.page(status, page, size), Function.identity());
    }

    @GetMapping("/imports/{id}")
    @Operation(summary = "One bulk import: its progress while it runs, then its outcome and the first bad rows")
    ImportReport importReport(@PathVariable long id) {
        return imports.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No import " + id));
    }
}
