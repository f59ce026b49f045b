-- What a folder holds, counted without reading its messages: the flags that are counted and searched
-- (\Seen, \Flagged, \Deleted) as columns computed from the stored flags (canonical, so a substring test),
-- indexed where they are the rarer case, and each folder's message count, unseen count and size kept by
-- triggers in the same transaction as the change (as migration 0008 keeps the mailbox's count).
ALTER TABLE messages ADD COLUMN seen INTEGER GENERATED ALWAYS AS (instr(' ' || flags || ' ', ' \Seen ') > 0) VIRTUAL;
ALTER TABLE messages ADD COLUMN flagged INTEGER GENERATED ALWAYS AS (instr(' ' || flags || ' ', ' \Flagged ') > 0) VIRTUAL;
ALTER TABLE messages ADD COLUMN deleted INTEGER GENERATED ALWAYS AS (instr(' ' || flags || ' ', ' \Deleted ') > 0) VIRTUAL;
CREATE INDEX messages_unseen ON messages(folder_id, uid) WHERE seen = 0;
CREATE INDEX messages_flagged ON messages(folder_id, uid) WHERE flagged = 1;
CREATE INDEX messages_deleted ON messages(folder_id, uid) WHERE deleted = 1;

ALTER TABLE folders ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folders ADD COLUMN unseen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folders ADD COLUMN total_size INTEGER NOT NULL DEFAULT 0;
UPDATE folders SET
    message_count = (SELECT COUNT(*) FROM messages m WHERE m.folder_id = folders.id),
    unseen_count = (SELECT COUNT(*) FROM messages m WHERE m.folder_id = folders.id AND m.seen = 0),
    total_size = (SELECT COALESCE(SUM(m.size), 0) FROM messages m WHERE m.folder_id = folders.id);

CREATE TRIGGER messages_folder_counted_in AFTER INSERT ON messages
BEGIN
    UPDATE folders SET message_count = message_count + 1, unseen_count = unseen_count + (NEW.seen = 0), total_size = total_size + NEW.size
    WHERE id = NEW.folder_id;
END;

CREATE TRIGGER messages_folder_counted_out AFTER DELETE ON messages
BEGIN
    UPDATE folders SET message_count = message_count - 1, unseen_count = unseen_count - (OLD.seen = 0), total_size = total_size - OLD.size
    WHERE id = OLD.folder_id;
END;

CREATE TRIGGER messages_folder_recounted AFTER UPDATE OF flags, folder_id ON messages
WHEN OLD.folder_id != NEW.folder_id OR OLD.seen != NEW.seen
BEGIN
    UPDATE folders SET message_count = message_count - 1, unseen_count = unseen_count - (OLD.seen = 0), total_size = total_size - OLD.size
    WHERE id = OLD.folder_id;
    UPDATE folders SET message_count = message_count + 1, unseen_count = unseen_count + (NEW.seen = 0), total_size = total_size + NEW.size
    WHERE id = NEW.folder_id;
END;
