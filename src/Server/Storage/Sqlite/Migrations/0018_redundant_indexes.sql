-- Two indexes that others already serve, each written with every message: UNIQUE (folder_id, uid) has an index
-- of its own, and every lookup by mailbox_id is served by the indexes that begin with it.
DROP INDEX messages_folder_uid;
DROP INDEX messages_mailbox;
