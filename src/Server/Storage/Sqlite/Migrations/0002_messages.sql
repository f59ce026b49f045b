-- Folders and the message index. The raw MIME lives in the blob store under messages/, named by blob.
CREATE TABLE folders (
    id            INTEGER PRIMARY KEY,
    mailbox_id    INTEGER NOT NULL REFERENCES mailboxes(id),
    name          TEXT    NOT NULL,
    special_use   TEXT,
    uid_validity  INTEGER NOT NULL,
    uid_next      INTEGER NOT NULL DEFAULT 1,
    subscribed    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (mailbox_id, name)
);

CREATE TABLE messages (
    id                 TEXT    PRIMARY KEY,
    mailbox_id         INTEGER NOT NULL REFERENCES mailboxes(id),
    folder_id          INTEGER NOT NULL REFERENCES folders(id),
    uid                INTEGER NOT NULL,
    flags              TEXT    NOT NULL DEFAULT '',
    received_at        INTEGER NOT NULL,
    size               INTEGER NOT NULL,
    blob               TEXT    NOT NULL,
    subject            TEXT    NOT NULL DEFAULT '',
    from_header        TEXT    NOT NULL DEFAULT '',
    to_header          TEXT    NOT NULL DEFAULT '',
    cc_header          TEXT    NOT NULL DEFAULT '',
    date_header        TEXT    NOT NULL DEFAULT '',
    message_id_header  TEXT    NOT NULL DEFAULT '',
    UNIQUE (folder_id, uid)
);
CREATE INDEX messages_listing ON messages(folder_id, received_at DESC, id DESC);
CREATE INDEX messages_mailbox ON messages(mailbox_id);
