-- A push's batches as ranges of the recipients' primary key: the plan numbers recipients into batches in the order
-- of their user ids, so each batch's rows lie between its first and last user id, and a batch reads them through
-- the primary key. The index on (push_id, batch) goes: it cost a fifth of a large push's plan.
create table push_batch (
    push_id       bigint       not null,
    batch         integer      not null,
    first_user_id varchar(128) not null,
    last_user_id  varchar(128) not null,
    primary key (push_id, batch)
);
-- The pushes planned before: each batch's least and greatest user id. Their batches were numbered in byte order, so
-- on a database with another collation their ranges may overlap; a recipient in two ranges is still taken once, as
-- every statement that takes one names the status it leaves (their batches may wait on each other's rows).
insert into push_batch (push_id, batch, first_user_id, last_user_id)
select push_id, batch, min(user_id), max(user_id) from push_recipient where batch >= 0 group by push_id, batch;
drop index push_recipient_batch;
