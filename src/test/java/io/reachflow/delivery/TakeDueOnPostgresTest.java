package io.reachflow.delivery;

import io.reachflow.support.OnEmbeddedPostgres;

/** {@link TakeDueTest} on PostgreSQL 17 (embedded), whose take is one statement (an UPDATE … RETURNING). */
@OnEmbeddedPostgres
class TakeDueOnPostgresTest extends TakeDueTest {

}
