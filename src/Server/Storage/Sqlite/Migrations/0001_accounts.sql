-- Domains, mailboxes, aliases and API keys. Times are Unix milliseconds (UTC).
CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE mailboxes (
    id             INTEGER PRIMARY KEY,
    domain_id      INTEGER NOT NULL REFERENCES domains(id),
    local_part     TEXT    NOT NULL,
    address        TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    quota          INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);

CREATE TABLE aliases (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL UNIQUE,
    destination  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

-- Only the SHA-256 of a key is kept; mailbox_id is NULL for operator (admin) keys.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    key_hash      BLOB    NOT NULL UNIQUE,
    prefix        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    mailbox_id    INTEGER REFERENCES mailboxes(id),
    scopes        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    last_used_at  INTEGER
);
CREATE INDEX api_keys_mailbox ON api_keys(mailbox_id);

-- Small facts the server keeps about itself (e.g. the health probe's last write).
CREATE TABLE server_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
