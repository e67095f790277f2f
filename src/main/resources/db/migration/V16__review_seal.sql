-- What a review decision may not change: a digest of each process variable the review work sees (the route, who
-- decided the first level), taken when the work is created and compared when it is completed. A reviewer completes
-- the work with variables of their own choosing (Tasklist, the engine REST API), so without it a decision could
-- also set, say, the number of review levels. One row per open review work, deleted with it.
create table review_seal (
    work_id varchar(64) primary key,
    variables varchar(4000) not null,
    sealed_at timestamp not null
);
