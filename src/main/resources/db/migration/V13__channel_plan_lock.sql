-- One row per channel, locked by each plan of a live push on it for the plan's transaction: plans of one channel
-- follow one another, so that a frequency cap counts what the plan before it has yet to send (its recipients
-- PLANNED), which it could not see while that plan was not committed.
create table channel_plan_lock (
    channel varchar(16) primary key
);
insert into channel_plan_lock (channel) values ('IN_APP'), ('PUSH'), ('SMS'), ('EMAIL'), ('WEBHOOK');
