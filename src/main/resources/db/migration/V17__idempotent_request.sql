-- What a POST of the task API sent with an Idempotency-Key header did, so that the same request sent again (a retry
-- after a lost answer, a double click on send) is answered as the first one was and does nothing twice. The row is
-- written first in the request's own transaction: a second request with the key waits for the first to end, then
-- finds its answer; a request that failed wrote nothing. Keys are a caller's own, and forgotten after
-- reachflow.api.idempotency-keys-retention (24 hours by default) by the daily housekeeping.
create table idempotent_request (
    caller varchar(64) not null,
    idempotency_key varchar(255) not null,
    -- method and path, for the answer to a key used again for another request
    request varchar(300) not null,
    -- SHA-256 (hex) of what else made the request: its body and If-Match
    fingerprint varchar(64) not null,
    created_at timestamp with time zone not null,
    -- the answer: its status and the task it showed (set before the transaction commits)
    status integer,
    task_id bigint,
    primary key (caller, idempotency_key)
);

create index idempotent_request_created on idempotent_request (created_at);
