-- A frequency cap counts the DELIVERED recipient rows of the channel's live pushes (push_recipient, dated by
-- updated_at): they are the send log. A log of its own cost one more row per message delivered.
drop table recipient_send;
