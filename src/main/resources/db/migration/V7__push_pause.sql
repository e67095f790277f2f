-- A paused push keeps its recipients PLANNED and goes on where it stopped once the task is resumed, delivered by a
-- new delivery process; delivery_id is the process instance that delivers it now, so that the workers of the one
-- before stop, and its end counts nothing.
alter table push add column delivery_id varchar(64);
