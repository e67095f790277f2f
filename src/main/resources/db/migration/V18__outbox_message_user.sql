-- A user's outbox messages, found without reading the whole outbox: GET /api/outbox?userId= and the erasure of a
-- user (DELETE /api/users/{id}).
create index outbox_message_user on outbox_message (user_id, id);
