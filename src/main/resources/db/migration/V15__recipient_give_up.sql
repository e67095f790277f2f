-- A recipient whose message keeps failing temporarily while the provider takes others is given up on, rather than
-- holding its batch (and its worker's later batches) as an incident for good. Two times tell one from an outage:
-- when the provider last took a message of the push, and when the recipient's temporary failures began.
alter table push add column provider_took_at timestamp with time zone;
alter table push_recipient add column deferred_since timestamp with time zone;
