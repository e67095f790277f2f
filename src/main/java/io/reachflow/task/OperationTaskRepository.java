package io.reachflow.task;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

public interface OperationTaskRepository extends JpaRepository<OperationTask, Long>, JpaSpecificationExecutor<OperationTask> {

    Optional<OperationTask> findByIdAndDeletedFalse(Long id);
}
