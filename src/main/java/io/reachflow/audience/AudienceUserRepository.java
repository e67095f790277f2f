package io.reachflow.audience;

import org.springframework.data.jpa.repository.JpaRepository;

public interface AudienceUserRepository extends JpaRepository<AudienceUser, String> {
}
