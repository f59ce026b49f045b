-- What left a folder, and when (the folder's modseq after the removal): written by triggers on every delete and
-- every move out, so a session learns what changed since it last looked from the changes alone (messages with a
-- higher modseq, removals with a higher modseq) instead of comparing the whole folder, and so a client that
-- reconnects can be told which UIDs vanished (QRESYNC). Removed with their folder.
CREATE TABLE expunged (
    folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
CREATE INDEX expunged_since ON expunged(folder_id, modseq);
CREATE INDEX messages_folder_modseq ON messages(folder_id, modseq);

CREATE TRIGGER messages_expunged AFTER DELETE ON messages
BEGIN
    INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) SELECT OLD.folder_id, OLD.uid, highest_modseq FROM folders WHERE id = OLD.folder_id;
END;

CREATE TRIGGER messages_moved_out AFTER UPDATE OF folder_id ON messages
WHEN OLD.folder_id != NEW.folder_id
BEGIN
    INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) SELECT OLD.folder_id, OLD.uid, highest_modseq FROM folders WHERE id = OLD.folder_id;
END;
