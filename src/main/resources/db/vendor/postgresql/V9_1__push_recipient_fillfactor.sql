-- A recipient row is updated once on its way out (PLANNED to DELIVERED), or twice through a provider (SENDING,
-- then the answer). With half of each page left free every row's new version fits beside the old one: a HOT
-- update, which touches no index. At 70% only part of a page's rows did, and the rest wrote both indexes again.
alter table push_recipient set (fillfactor = 50);
