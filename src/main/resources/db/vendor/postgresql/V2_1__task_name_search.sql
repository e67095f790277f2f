-- GET /api/tasks?q=... matches a substring of the name (lower(name) like '%q%'): a trigram index answers it
-- without reading every task. pg_trgm ships with PostgreSQL and is a trusted extension, so the database owner
-- may create it. H2, the embedded database, has no such index and scans.
create extension if not exists pg_trgm;
create index operation_task_name_trigram on operation_task using gin (lower(name) gin_trgm_ops);
