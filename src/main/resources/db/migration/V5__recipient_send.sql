-- One row per message a push delivered to a user on a channel: what a task's frequency cap ("at most max sends
-- per period on this channel, across all tasks") counts. Test rounds do not count.
create table recipient_send (
    channel varchar(16)  not null,
    user_id varchar(128) not null,
    sent_at timestamp with time zone not null,
    push_id bigint       not null
);
create index recipient_send_user on recipient_send (channel, user_id, sent_at);
