-- GET /api/tasks?sort=createdAt,... walks this index instead of sorting every matching task.
create index operation_task_created_at on operation_task (created_at, id);
