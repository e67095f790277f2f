-- A recipient whose message keeps failing temporarily while the provider takes the others is given up on, rather than
-- holding its batch (and its worker's later batches) as an incident for good. Told from an outage by when the
-- provider last took a message of the push, against when the recipient last failed; only such failures count.
alter table push add column provider_took_at timestamp with time zone;
alter table push_recipient add column failed_at timestamp with time zone;
alter table push_recipient add column failures_counted integer not null default 0;
