-- The keys of imported messages (ImportMessages), so an import run again skips what it stored before. A key
-- outlives its message: mail deleted after an import is not brought back by running the import again.
CREATE TABLE import_keys (
    mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
    key         TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    PRIMARY KEY (mailbox_id, key)
) WITHOUT ROWID;
