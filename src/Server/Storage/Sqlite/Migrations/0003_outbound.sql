-- What mailboxes sent, each recipient's delivery state, and every delivery event (the trace).
CREATE TABLE outbound_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
    sender      TEXT    NOT NULL,
    recipients  TEXT    NOT NULL,
    subject     TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    queue_id    TEXT    NOT NULL UNIQUE,
    error       TEXT    NOT NULL DEFAULT '',
    blob        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX outbound_mailbox ON outbound_messages(mailbox_id, created_at);
CREATE INDEX outbound_state ON outbound_messages(state);

CREATE TABLE outbound_recipients (
    id               INTEGER PRIMARY KEY,
    outbound_id      INTEGER NOT NULL REFERENCES outbound_messages(id),
    address          TEXT    NOT NULL,
    local            INTEGER NOT NULL,
    state            TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    last_error       TEXT    NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL
);
CREATE INDEX outbound_recipients_due ON outbound_recipients(state, next_attempt_at);
CREATE INDEX outbound_recipients_message ON outbound_recipients(outbound_id);

CREATE TABLE delivery_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    outbound_id  INTEGER NOT NULL REFERENCES outbound_messages(id),
    recipient    TEXT    NOT NULL DEFAULT '',
    event_type   TEXT    NOT NULL,
    details      TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL
);
CREATE INDEX delivery_events_message ON delivery_events(outbound_id, id);
