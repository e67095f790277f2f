package io.reachflow.task;

import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads tasks: one by id, or a filtered, searched and paged list. Deleted tasks are never shown. */
@Service
@Transactional(readOnly = true)
public class TaskQueries {

    private final OperationTaskRepository tasks;

    public TaskQueries(OperationTaskRepository tasks) {
        this.tasks = tasks;
    }

    public OperationTask get(long id) {
        return tasks.findByIdAndDeletedFalse(id).orElseThrow(() -> new TaskNotFoundException(id));
    }

    /** That the task exists (not deleted), for what is read under it: without loading it. */
    public void requireExists(long id) {
        if (!tasks.existsAndNotDeleted(id)) {
            throw new TaskNotFoundException(id);
        }
    }

    public Page<OperationTask> list(TaskFilter filter, int page, int size, Sort sort) {
        return tasks.findAll(specification(filter), PageRequest.of(page, size, sort));
    }

    static Specification<OperationTask> specification(TaskFilter filter) {
        return (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            where.add(cb.isFalse(root.get("deleted")));
            if (filter.status() != null) {
                where.add(cb.equal(root.get("status"), filter.status()));
            }
            if (filter.approvalStatus() != null) {
                where.add(cb.equal(root.get("approvalStatus"), filter.approvalStatus()));
            }
            if (filter.channel() != null) {
                where.add(cb.equal(root.get("channel"), filter.channel()));
            }
            if (filter.pushType() != null) {
                where.add(cb.equal(root.get("pushType"), filter.pushType()));
            }
            if (filter.campaign() != null) {
                where.add(cb.equal(root.get("campaign"), filter.campaign()));
            }
            if (filter.miniProgram() != null) {
                where.add(cb.equal(root.get("miniProgram"), filter.miniProgram()));
            }
            if (filter.subgroup() != null) {
                where.add(cb.equal(root.get("subgroup"), filter.subgroup()));
            }
            if (filter.createdBy() != null) {
                where.add(cb.equal(root.get("createdBy"), filter.createdBy()));
            }
            if (filter.q() != null && !filter.q().isBlank()) {
                String q = filter.q().trim();
                String pattern = "%" + q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                Predicate nameMatches = cb.like(cb.lower(root.get("name")), pattern, '\\');
                where.add(q.matches("\\d{1,18}") ? cb.or(nameMatches, cb.equal(root.get("id"), Long.parseLong(q))) : nameMatches);
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
    }

    /** The list filters of {@code GET /api/tasks}; null means any. */
    public record TaskFilter(TaskStatus status, ApprovalStatus approvalStatus, String campaign, String miniProgram,
                             Channel channel, String subgroup, PushType pushType, String createdBy, String q) {
    }
}
