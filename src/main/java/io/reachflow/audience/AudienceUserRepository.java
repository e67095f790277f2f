package io.reachflow.audience;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface AudienceUserRepository extends JpaRepository<AudienceUser, String> {

    /** The profile with its tags and opt-outs, read in one statement (rather than one for each of the three). */
    @EntityGraph(attributePaths = {"tags", "optOut"})
    @Query("select u from AudienceUser u where u.id = :id")
    Optional<AudienceUser> findWhole(@Param("id") String id);

    /** The profile, its row locked until the transaction ends: two replacements of it take turns. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from AudienceUser u where u.id = :id")
    Optional<AudienceUser> findLocked(@Param("id") String id);
}
