package io.reachflow.e2e;

import io.reachflow.support.Api;
import io.reachflow.support.OnEmbeddedPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * Bulk imports on PostgreSQL 17 (embedded), through COPY.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@OnEmbeddedPostgres
@Import(Api.class)
class UserImportOnPostgresTest extends UserImportScenarios {

}
