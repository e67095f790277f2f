package io.reachflow.audience.web;

import io.reachflow.audience.ImportReport;
import io.reachflow.audience.UserProfile;
import io.reachflow.audience.UserService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/users")
@Tag(name = "Users", description = "Audience profiles of the app that owns the users")
class UserController {

    private final UserService users;
    private final Validator validator;

    UserController(UserService users, Validator validator) {
        this.users = users;
        this.validator = validator;
    }

    @PutMapping("/{id}")
    @Operation(summary = "Create or replace a user profile; the body needs no id, the path's wins")
    ResponseEntity<UserProfile> upsert(@PathVariable String id, @RequestBody UserProfile profile) {
        UserProfile stored = profile.withId(id);
        Set<ConstraintViolation<UserProfile>> violations = validator.validate(stored);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        boolean created = users.upsert(stored);
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(users.find(id).orElseThrow());
    }

    @GetMapping("/{id}")
    @Operation(summary = "A user profile")
    UserProfile get(@PathVariable String id) {
        return users.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No user with id " + id));
    }

    @PostMapping(value = "/import", consumes = {"application/x-ndjson", "text/csv"})
    @Operation(summary = "Bulk import profiles from NDJSON (one profile per line) or CSV (header row; tags and "
            + "optOut joined by '|'; attributes.<name> columns)")
    ImportReport importUsers(@RequestHeader("Content-Type") String contentType, HttpServletRequest request)
            throws IOException {
        UserService.ImportFormat format = contentType.startsWith("text/csv")
                ? UserService.ImportFormat.CSV
                : UserService.ImportFormat.NDJSON;
        return users.importUsers(request.getInputStream(), format);
    }
}
