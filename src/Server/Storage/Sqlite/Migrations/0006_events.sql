-- Everything that happens in a mailbox, once, in commit order: id is the cursor watchers and webhooks
-- resume from. details holds the message summary as it was, so an event outlives its message.
CREATE TABLE mailbox_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id   INTEGER NOT NULL REFERENCES mailboxes(id),
    event_type   TEXT    NOT NULL,
    message_id   TEXT    NOT NULL DEFAULT '',
    outbound_id  INTEGER,
    details      TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL
);
CREATE INDEX mailbox_events_cursor ON mailbox_events(mailbox_id, id);
