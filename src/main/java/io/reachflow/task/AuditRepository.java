package io.reachflow.task;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** The audit trail. JPQL, not a derived query, so that Hibernate caches the plan (see PushRepository). */
public interface AuditRepository extends JpaRepository<AuditEntry, Long> {

    @Query("select a from AuditEntry a where a.taskId = :taskId order by a.id asc")
    List<AuditEntry> findByTaskIdOrderByIdAsc(@Param("taskId") Long taskId);

    @Query("select distinct a.actor from AuditEntry a where a.taskId = :taskId and a.action in :edits and a.id > "
            + "coalesce((select max(b.id) from AuditEntry b where b.taskId = :taskId and b.action = 'APPROVE'), 0)")
    List<String> actorsSinceLastApproval(@Param("taskId") Long taskId, @Param("edits") Collection<String> edits);
}
