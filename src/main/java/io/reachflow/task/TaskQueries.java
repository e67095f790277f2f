package io.reachflow.task;

import jakarta.persistence.criteria.Path;
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
            in(where, root.get("status"), filter.status());
            in(where, root.get("approvalStatus"), filter.approvalStatus());
            in(where, root.get("channel"), filter.channel());
            in(where, root.get("pushType"), filter.pushType());
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

    /** A state's or kind's condition: the attribute is one of the values; none when no value is given. */
    private static void in(List<Predicate> where, Path<Object> attribute, List<?> values) {
        if (values != null && !values.isEmpty()) {
            where.add(values.size() == 1 ? attribute.in(values.get(0)) : attribute.in(values));
        }
    }

    /**
     * The list filters of {@code GET /api/tasks}; null (or empty) means any. A state or kind matches any of its values
     * (a parameter given twice, or values separated by commas); a name matches as given, commas and all.
     */
    public record TaskFilter(List<TaskStatus> status, List<ApprovalStatus> approvalStatus, String campaign,
                             String miniProgram, List<Channel> channel, String subgroup, List<PushType> pushType,
                             String createdBy, String q) {
    }
}
