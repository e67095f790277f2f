package io.reachflow.task.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.reachflow.lifecycle.LifecycleFacade;
import io.reachflow.lifecycle.TaskActionPolicy;
import io.reachflow.lifecycle.TaskCommands;
import io.reachflow.lifecycle.TaskIncident;
import io.reachflow.system.EngineConflicts;
import io.reachflow.system.IdempotentRequests;
import io.reachflow.system.IdempotentRequests.Answer;
import io.reachflow.system.InvalidParameter;
import io.reachflow.system.PageView;
import io.reachflow.system.PlainText;
import io.reachflow.system.UserId;
import io.reachflow.task.ApprovalStatus;
import io.reachflow.task.AuditEntry;
import io.reachflow.task.AuditRepository;
import io.reachflow.task.Channel;
import io.reachflow.task.OperationTask;
import io.reachflow.task.PushType;
import io.reachflow.task.TaskAction;
import io.reachflow.task.TaskNotFoundException;
import io.reachflow.task.TaskQueries;
import io.reachflow.task.TaskStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
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
import org.springframework.http.HttpStatus;

@RestController
@RequestMapping("/api/tasks")
@Tag(name = "Tasks", description = "Operation tasks: create, edit, act on them and read their history")
class TaskController {

    private static final List<String> SORTABLE = List.of("id", "name", "campaign", "status", "createdAt", "updatedAt");

    /**
     * The actions of {@code POST /{id}/{action}}, as path segments ({@link TaskAction#fromPathSegment}). Any other
     * segment is no endpoint (404) whatever the method: with any segment taken, {@code GET /{id}/effect} was a 405.
     */
    private static final String ACTIONS = "test|submit|withdraw|approve|reject|pause|resume|complete|send|copy";

    private static final String IDEMPOTENCY_KEY = "A key of the caller's choosing (a UUID, say) that makes the request "
            + "safe to send again: sent again with the same key within 24 hours (the default retention), it is not "
            + "done again but answered as the first time (with Idempotent-Replayed: true); the key used for another "
            + "request gets 422";

    private final TaskCommands commands;
    private final TaskQueries queries;
    private final TaskActionPolicy policy;
    private final AuditRepository audits;

    private final LifecycleFacade lifecycle;
    private final IdempotentRequests idempotentRequests;
    private final ObjectMapper json;

    TaskController(TaskCommands commands, TaskQueries queries, TaskActionPolicy policy, AuditRepository audits,
                   LifecycleFacade lifecycle, IdempotentRequests idempotentRequests, ObjectMapper json) {
        this.commands = commands;
        this.queries = queries;
        this.policy = policy;
        this.audits = audits;
        this.lifecycle = lifecycle;
        this.idempotentRequests = idempotentRequests;
        this.json = json;
    }

    @PostMapping
    @Operation(summary = "Create a task (DRAFT)")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "manual in-app push", value = """
                    {"name": "VIP winter sale", "campaign": "winter-sale", "channel": "IN_APP", "pushType": "MANUAL",
                     "audience": {"type": "TAGS", "tags": ["vip"]},
                     "content": {"title": "Hi {{name|there}}", "body": "20% off in {{attributes.city|your city}}",
                                 "link": "https://shop.example.com/sale"},
                     "testers": ["olivia", "una"]}""")))
    @ApiResponse(responseCode = "201", description = "Created: the task, with its Location and its version as ETag")
    ResponseEntity<TaskView> create(@Valid @RequestBody TaskRequest request,
                                    @Parameter(description = IDEMPOTENCY_KEY)
                                    @RequestHeader(value = IdempotentRequests.HEADER, required = false)
                                    String idempotencyKey,
                                    Authentication caller) {
        Answer<OperationTask> answer = idempotentRequests.once(idempotencyKey, caller.getName(), "POST /api/tasks",
                () -> canonicalJson(request),
                () -> answer(HttpStatus.CREATED, commands.create(request.toDefinition())));
        return answered(answer);
    }

    @GetMapping
    @Operation(summary = "List tasks: filter, search by name or id (q), page and sort (e.g. sort=createdAt,desc). "
            + "status, approvalStatus, channel and pushType match any of their values: status=DRAFT&status=TESTING, "
            + "or status=DRAFT,TESTING")
    PageView<TaskView> list(@RequestParam(required = false) List<TaskStatus> status,
                            @RequestParam(required = false) List<ApprovalStatus> approvalStatus,
                            @RequestParam(required = false) String campaign,
                            @RequestParam(required = false) String miniProgram,
                            @RequestParam(required = false) List<Channel> channel,
                            @RequestParam(required = false) String subgroup,
                            @RequestParam(required = false) List<PushType> pushType,
                            @RequestParam(required = false) String createdBy,
                            @RequestParam(required = false) @Size(max = 100) String q,
                            @RequestParam(defaultValue = "0") @Min(0) int page,
                            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size,
                            @RequestParam(defaultValue = "id,desc") String sort) {
        PageView.requireReachable(page, size);
        return PageView.of(queries.list(new TaskQueries.TaskFilter(status, approvalStatus, campaign, miniProgram,
                channel, subgroup, pushType, createdBy, q), page, size, sort(sort)), this::view);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A task, with the actions its state allows")
    ResponseEntity<TaskView> getTask(@PathVariable long id) {
        OperationTask task = queries.get(id);
        return ResponseEntity.ok().eTag(etag(task)).body(view(task));
    }

    @PutMapping("/{id}")
    @Operation(summary = "Edit a task; send its version in If-Match or in the body (without either: 428), a stale "
            + "one gets 409; If-Match: * overwrites whatever version is there")
    ResponseEntity<TaskView> edit(@PathVariable long id,
                                  @Parameter(description = "The task's version, as its ETag") @RequestHeader(value = "If-Match", required = false) String ifMatch,
                                  @Valid @RequestBody TaskRequest request) {
        Long expectedVersion = requiredVersion(ifMatch, request.version(),
                "An edit replaces the whole task: send the version it was made from, as If-Match: \"<version>\" (the "
                        + "task's ETag) or \"version\" in the body, or If-Match: * to overwrite whatever is there");
        // an edit of a paused task tells its lifecycle, which may be moving on meanwhile
        OperationTask task = EngineConflicts.retrying("Task " + id + ": EDIT",
                () -> commands.edit(id, request.toDefinition(), expectedVersion));
        return ResponseEntity.ok().eTag(etag(task)).body(view(task));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a task (soft: its history and pushes stay); with its version in If-Match or "
            + "?version=, a stale one gets 409")
    @ApiResponse(responseCode = "204", description = "Deleted")
    ResponseEntity<Void> delete(@PathVariable long id, @RequestHeader(value = "If-Match", required = false) String ifMatch,
                                @Parameter(description = "The task's version, for a client that cannot send If-Match; "
                                        + "both sent must agree (If-Match: * deletes whatever the version)")
                                @RequestParam(required = false) Long version) {
        Long expectedVersion = expectedVersion(ifMatch, version);
        // the deletion's message to the lifecycle may meet a test round's job moving it on
        EngineConflicts.retrying("Task " + id + ": DELETE", () -> {
            commands.delete(id, expectedVersion);
            return null;
        });
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/{id}/subgroup")
    @Operation(summary = "Move a task to another subgroup (never material: keeps any approval)")
    ResponseEntity<TaskView> changeSubgroup(@PathVariable long id,
                                            @RequestHeader(value = "If-Match", required = false) String ifMatch,
                                            @Valid @RequestBody SubgroupRequest request) {
        OperationTask task = commands.changeSubgroup(id, request.subgroup(), expectedVersion(ifMatch, null));
        return ResponseEntity.ok().eTag(etag(task)).body(view(task));
    }

    @PutMapping("/{id}/testers")
    @Operation(summary = "Set the testers (user ids) a test round goes to; send the task's version in If-Match "
            + "(without it: 428), a stale one gets 409; If-Match: * overwrites")
    ResponseEntity<TaskView> changeTesters(@PathVariable long id,
                                           @RequestHeader(value = "If-Match", required = false) String ifMatch,
                                           @Valid @RequestBody TestersRequest request) {
        Long expectedVersion = requiredVersion(ifMatch, null,
                "The testers replace the task's list: send the version it was made from, as If-Match: \"<version>\" "
                        + "(the task's ETag), or If-Match: * to overwrite whatever is there");
        OperationTask task = EngineConflicts.retrying("Task " + id + ": CHANGE_TESTERS",
                () -> commands.changeTesters(id, request.testers(), expectedVersion));
        return ResponseEntity.ok().eTag(etag(task)).body(view(task));
    }

    @PostMapping("/{id}/{action:" + ACTIONS + "}")
    @Operation(summary = "Act on a task: test, submit, withdraw, approve, reject (comment required), pause, "
            + "resume, complete, send, copy. An action its state does not allow gets 409 with the allowed ones.")
    @ApiResponse(responseCode = "200", description = "Done: the task as it is now")
    @ApiResponse(responseCode = "201", description = "copy: the new task (DRAFT), with its Location")
    ResponseEntity<TaskView> act(@PathVariable long id,
                                 @Parameter(schema = @Schema(allowableValues = {"test", "submit", "withdraw", "approve",
                                         "reject", "pause", "resume", "complete", "send", "copy"}))
                                 @PathVariable String action,
                                 @RequestHeader(value = "If-Match", required = false) String ifMatch,
                                 @Parameter(description = IDEMPOTENCY_KEY)
                                 @RequestHeader(value = IdempotentRequests.HEADER, required = false)
                                 String idempotencyKey,
                                 @Valid @RequestBody(required = false) ActionRequest request,
                                 Authentication caller) {
        TaskAction taskAction = TaskAction.fromPathSegment(action).orElseThrow(); // one of ACTIONS
        String comment = request == null ? null : request.comment();
        Long expectedVersion = expectedVersion(ifMatch, null);
        HttpStatus done = taskAction == TaskAction.COPY ? HttpStatus.CREATED : HttpStatus.OK;
        // the version as read (W/"3" and "3" alike), and a comment left out told from an empty one
        String fingerprint = "If-Match:" + (ifMatch == null ? "" : expectedVersion == null ? "*" : expectedVersion)
                + "\ncomment:" + (comment == null ? "none" : "=" + comment);
        Supplier<Answer<OperationTask>> once = () -> idempotentRequests.once(idempotencyKey, caller.getName(),
                "POST /api/tasks/" + id + "/" + action, () -> fingerprint, () -> answer(done, commands.perform(id,
                        taskAction, comment, expectedVersion, groups(caller))));
        // a review decision that met another is not tried again: done again, it would decide whatever review work is
        // open by then (the senior level's, after another reviewer decided the first), unseen; it is a 409 to re-read
        return answered(taskAction.decidesReview() ? once.get()
                : EngineConflicts.retrying("Task " + id + ": " + taskAction, once));
    }

    private static Answer<OperationTask> answer(HttpStatus status, OperationTask task) {
        return Answer.of(status, task.getId(), task);
    }

    /**
     * The task of an answer: as the request left it, or, answered again for its Idempotency-Key (which
     * {@code Idempotent-Replayed} says), as it is now. A new one (created, copied) comes with its Location.
     */
    private ResponseEntity<TaskView> answered(Answer<OperationTask> answer) {
        OperationTask task = answer.replayed() ? replayed(answer) : answer.result();
        ResponseEntity.BodyBuilder response = answer.status() == HttpStatus.CREATED
                ? ResponseEntity.created(URI.create("/api/tasks/" + task.getId()))
                : ResponseEntity.status(answer.status());
        if (answer.replayed()) {
            response.header(IdempotentRequests.REPLAYED, "true");
        }
        return response.eTag(etag(task)).body(view(task));
    }

    /** The task a request showed, now: a 404 saying so when it has been deleted since. */
    private OperationTask replayed(Answer<OperationTask> answer) {
        try {
            return queries.get(answer.taskId());
        } catch (TaskNotFoundException deleted) {
            throw IdempotentRequests.replayedTaskGone(answer);
        }
    }

    /** The request as JSON, its maps' keys in order: the same request gives the same text. */
    private String canonicalJson(TaskRequest request) {
        try {
            return json.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A request read from JSON is written as JSON", e);
        }
    }

    @GetMapping("/{id}/incidents")
    @Operation(summary = "Where the task's processes are stuck: jobs that failed through all their retries (a delivery "
            + "batch, a test round, a push's plan), oldest first; empty when nothing is. An admin retries them in Cockpit")
    List<TaskIncident> incidents(@PathVariable long id) {
        queries.requireExists(id);
        return lifecycle.incidents(id);
    }

    @GetMapping("/{id}/history")
    @Operation(summary = "The task's audit trail, oldest first")
    List<AuditEntry> history(@PathVariable long id) {
        queries.requireExists(id);
        return audits.findByTaskIdOrderByIdAsc(id);
    }

    private TaskView view(OperationTask task) {
        return TaskView.of(task, policy.allowedActions(task));
    }

    private static List<String> groups(Authentication caller) {
        return caller.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("GROUP_"))
                .map(a -> a.substring("GROUP_".length()))
                .toList();
    }

    private static String etag(OperationTask task) {
        return "\"" + task.getVersion() + "\"";
    }

    /**
     * The version a change that replaces what the caller read must be made from (the whole task, the list of
     * testers): without it, it could undo another's change made meanwhile, so none is 428; If-Match: * is the
     * caller's choice to overwrite (null).
     */
    private static Long requiredVersion(String ifMatch, Long bodyVersion, String missing) {
        Long expected = expectedVersion(ifMatch, bodyVersion);
        if (expected == null && (ifMatch == null || !ifMatch.trim().equals("*"))) {
            throw new ResponseStatusException(HttpStatus.PRECONDITION_REQUIRED, missing);
        }
        return expected;
    }

    private static Long expectedVersion(String ifMatch, Long bodyVersion) {
        if (ifMatch != null && ifMatch.trim().equals("*")) {
            return null;
        }
        if (ifMatch == null || ifMatch.isBlank()) {
            return bodyVersion;
        }
        String value = ifMatch.trim().replace("W/", "").replace("\"", "");
        long expected;
        try {
            expected = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw InvalidParameter.of("If-Match", "If-Match must be the task's version, such as \"3\"");
        }
        if (bodyVersion != null && bodyVersion != expected) {
            // which of the two the caller read is anyone's guess: either could undo a change it has not seen
            throw InvalidParameter.of("If-Match", "If-Match names version " + expected + " and the request version "
                    + bodyVersion + ": send the version the change was made from once, or twice the same");
        }
        return expected;
    }

    private static Sort sort(String sort) {
        String[] parts = sort.split(",");
        String property = parts[0].trim();
        if (!SORTABLE.contains(property)) {
            throw InvalidParameter.of("sort", "Cannot sort by '" + property + "'; sortable: " + SORTABLE);
        }
        if (parts.length > 2 || parts.length == 2 && SORTABLE.contains(parts[1].trim())) {
            // two sort parameters arrive joined by a comma
            throw InvalidParameter.of("sort", "Cannot sort by '" + sort + "': a list sorts by one property, with asc "
                    + "or desc after it, in one sort parameter (ties newest first), as in sort=createdAt,desc");
        }
        String direction = parts.length > 1 ? parts[1].trim() : "asc";
        if (!(direction.equalsIgnoreCase("asc") || direction.equalsIgnoreCase("desc"))) {
            throw InvalidParameter.of("sort", "Cannot sort '" + sort + "'; the direction after the property is asc or desc, "
                    + "as in sort=createdAt,desc");
        }
        boolean descending = direction.equalsIgnoreCase("desc");
        Sort primary = descending ? Sort.by(property).descending() : Sort.by(property).ascending();
        return property.equals("id") ? primary : primary.and(Sort.by("id").descending());
    }

    record SubgroupRequest(@Size(max = 128) String subgroup) {
    }

    record TestersRequest(@NotNull @Size(max = 50) List<@jakarta.validation.constraints.NotBlank @UserId String> testers) {
    }

    record ActionRequest(@PlainText(multiLine = true) @Size(max = 2000) String comment) {
    }
}
