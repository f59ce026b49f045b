-- A per-folder change counter (IMAP's HIGHESTMODSEQ): every insert, flag change and expunge in a folder
-- raises it, and each message remembers the value of its last change. Sessions compare it to learn
-- cheaply whether a folder changed.
ALTER TABLE folders ADD COLUMN highest_modseq INTEGER NOT NULL DEFAULT 1;
ALTER TABLE messages ADD COLUMN modseq INTEGER NOT NULL DEFAULT 1;
CREATE INDEX messages_folder_uid ON messages(folder_id, uid);
