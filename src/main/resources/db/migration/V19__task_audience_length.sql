-- A task's audience as JSON holds what the API takes: a USERS audience of 10,000 ids of up to 128 characters each
-- (an id of control characters, escaped, up to six times that) and 100 tags and excluded tags of up to 64: up to
-- about 7.8 million characters, where 400,000 fitted 3,000 ids of 128 (more was a 500). PostgreSQL widens a
-- varchar without rewriting the table; 10,485,760 is its longest.
alter table operation_task alter column audience set data type varchar(10000000);
