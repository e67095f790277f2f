-- A failure's or a provider's deferral's reason is a short code, the same for every recipient failing the same way
-- (HTTP 400, SMTP 550, INVALID_ADDRESS), so that a push's counts by reason stay few; what the provider said about the
-- recipient (its answer's body, an address's error) is the detail. Null wherever the reason is not a provider's.
alter table push_recipient add column detail varchar(255);
