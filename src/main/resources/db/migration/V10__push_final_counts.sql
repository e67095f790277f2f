-- A push's counts by status and reason once it is finished (JSON), so that its history is read from the push rather
-- than counted again from its recipients on every request. Null for pushes that finished before, or while running.
alter table push add column final_counts varchar(400000);
