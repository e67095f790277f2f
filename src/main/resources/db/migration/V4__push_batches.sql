-- A push's recipients are numbered into batches when it is planned; the delivery's workers (engine jobs) each
-- deliver their share of the batches, one batch per job. No index holds the status any more, so that the one
-- update each recipient gets (PLANNED to its outcome) need not touch an index.
alter table push_recipient add column batch integer not null default 0;
create index push_recipient_batch on push_recipient (push_id, batch);
drop index push_recipient_status;
alter table push add column batches integer not null default 0;
