package io.reachflow.delivery;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PushRepository extends JpaRepository<Push, Long> {

    List<Push> findByTaskIdAndKindOrderByIdDesc(Long taskId, PushKind kind);

    Optional<Push> findFirstByTaskIdAndKindOrderByIdDesc(Long taskId, PushKind kind);
}
