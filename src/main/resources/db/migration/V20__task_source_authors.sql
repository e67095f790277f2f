-- Who wrote what a copy was made from (the source's creator and editors, and its own sources'), as a JSON list of
-- user ids: separation of duties keeps them from approving their own words in the copy. Null for a task that is no
-- copy, and for copies made before this column.
alter table operation_task add column source_authors varchar(1000000);
