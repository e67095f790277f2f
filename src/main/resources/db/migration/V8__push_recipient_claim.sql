-- The claim a SENDING recipient belongs to: each attempt at a batch through a provider records the answers of its
-- own claim only, whatever other attempt (a resume's, a job taken over) claims recipients of the batch meanwhile.
alter table push_recipient add column claim varchar(36);
