-- A text search walks its matches newest first and keeps, for each, only its mailbox, time and id to choose the
-- page: with them in the index the walk reads no message row but the page's own (at a million messages a page of
-- a common word read twice as many rows as it returned).
DROP INDEX messages_search_id;
CREATE INDEX messages_search_id ON messages(search_id, mailbox_id, received_at, id);
