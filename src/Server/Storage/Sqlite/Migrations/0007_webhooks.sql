-- Webhooks and their delivery log. The signing secret is not stored: it is derived from secret_nonce
-- with the server's key file (webhook-signing.key), so the database alone does not reveal it.
-- last_event_id is how far the webhook's events have been queued as deliveries.
CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id     INTEGER REFERENCES mailboxes(id),
    url            TEXT    NOT NULL,
    event_types    TEXT    NOT NULL DEFAULT '',
    secret_nonce   BLOB    NOT NULL,
    last_event_id  INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    deleted_at     INTEGER
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id),
    event_id         INTEGER NOT NULL REFERENCES mailbox_events(id),
    state            TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status      INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    next_attempt_at  INTEGER,
    delivered_at     INTEGER,
    created_at       INTEGER NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id DESC);
