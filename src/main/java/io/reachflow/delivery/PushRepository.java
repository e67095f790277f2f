package io.reachflow.delivery;

import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/**
 * Pushes and test rounds. The queries are JPQL rather than derived from the method names: Hibernate caches the
 * plan of a JPQL query, while a derived query's criteria are interpreted again on every call.
 */
public interface PushRepository extends JpaRepository<Push, Long> {

    @Query("select p from Push p where p.taskId = :taskId and p.kind = :kind order by p.id desc")
    List<Push> findByTaskIdAndKindOrderByIdDesc(@Param("taskId") Long taskId, @Param("kind") PushKind kind);

    /** A page of the task's pushes of this kind, newest first. */
    @Query(value = "select p from Push p where p.taskId = :taskId and p.kind = :kind order by p.id desc",
            countQuery = "select count(p) from Push p where p.taskId = :taskId and p.kind = :kind")
    Page<Push> findPage(@Param("taskId") Long taskId, @Param("kind") PushKind kind, Pageable page);

    @Query("select p from Push p where p.taskId = :taskId and p.kind = :kind order by p.id desc limit 1")
    Optional<Push> findFirstByTaskIdAndKindOrderByIdDesc(@Param("taskId") Long taskId, @Param("kind") PushKind kind);

    /** The task's live pushes in one of {@code statuses}, their rows locked until the transaction ends. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from Push p where p.taskId = :taskId and p.kind = io.reachflow.delivery.PushKind.LIVE "
            + "and p.status in :statuses order by p.id")
    List<Push> findLiveLocked(@Param("taskId") Long taskId, @Param("statuses") Collection<PushStatus> statuses);

    /** Whether the task has a live push in this status. */
    @Query("select count(p) > 0 from Push p where p.taskId = :taskId and p.kind = io.reachflow.delivery.PushKind.LIVE "
            + "and p.status = :status")
    boolean existsLive(@Param("taskId") Long taskId, @Param("status") PushStatus status);

    /** The ids of the task's live pushes in this status, oldest first. */
    @Query("select p.id from Push p where p.taskId = :taskId and p.kind = io.reachflow.delivery.PushKind.LIVE "
            + "and p.status = :status order by p.id")
    List<Long> findLiveIds(@Param("taskId") Long taskId, @Param("status") PushStatus status);

    /**
     * The push, its row locked until the transaction ends: stopping a push, and recording what a provider
     * answered, take their turns.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from Push p where p.id = :id")
    Optional<Push> findLocked(@Param("id") Long id);
}
