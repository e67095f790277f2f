-- Every recipient row is updated once (PLANNED to its outcome): room left in each page lets PostgreSQL write the
-- new version beside the old one (a HOT update) instead of touching every index.
alter table push_recipient set (fillfactor = 70);
