package io.reachflow.task;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/**
 * Operation tasks. {@code findByIdAndDeletedFalse} is JPQL rather than derived from its name: Hibernate caches the
 * plan of a JPQL query, while a derived query's criteria are interpreted again on every call. The filtered list is
 * a {@code Specification}, whose shape changes with the filters.
 */
public interface OperationTaskRepository extends JpaRepository<OperationTask, Long>, JpaSpecificationExecutor<OperationTask> {

    @Query("select t from OperationTask t where t.id = :id and t.deleted = false")
    Optional<OperationTask> findByIdAndDeletedFalse(@Param("id") Long id);

    @Query("select count(t) > 0 from OperationTask t where t.id = :id and t.deleted = false")
    boolean existsAndNotDeleted(@Param("id") Long id);

    /** The task, its row locked until the transaction ends: an operator's pause or complete waits meanwhile. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select t from OperationTask t where t.id = :id")
    Optional<OperationTask> findLocked(@Param("id") Long id);
}
