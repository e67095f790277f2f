-- Delivery through providers (webhook, SMTP, FCM, an SMS gateway): a recipient is claimed (SENDING) in a committed
-- transaction before its message goes out, and its outcome is recorded in another after the provider answered.
-- A temporary failure leaves it PLANNED with the provider's reason and, when the provider said when (Retry-After),
-- the earliest time to try again.
alter table push_recipient add column attempts integer not null default 0;
alter table push_recipient add column not_before timestamp with time zone;
alter table push_recipient alter column reason set data type varchar(255);
-- why the rest of a push was called off (TASK_PAUSED, TASK_COMPLETED, DELIVERY_CANCELLED)
alter table push add column cancel_reason varchar(32);
