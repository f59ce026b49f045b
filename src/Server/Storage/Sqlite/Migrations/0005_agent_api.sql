-- Conversations and search. thread_id groups a message with the ones it answers (References,
-- In-Reply-To, else the subject without Re:/Fwd: within a window); base_subject is that subject.
ALTER TABLE messages ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN base_subject TEXT NOT NULL DEFAULT '';
-- The row of message_search holding this message's text; NULL until indexed (older messages are
-- indexed in the background at start).
ALTER TABLE messages ADD COLUMN search_id INTEGER;
UPDATE messages SET thread_id = id;
CREATE INDEX messages_message_id ON messages(mailbox_id, message_id_header);
CREATE INDEX messages_thread ON messages(mailbox_id, thread_id, received_at);
CREATE INDEX messages_base_subject ON messages(mailbox_id, base_subject, received_at);
CREATE INDEX messages_mailbox_received ON messages(mailbox_id, received_at DESC, id DESC);
CREATE INDEX messages_search_id ON messages(search_id);

CREATE VIRTUAL TABLE message_search USING fts5(subject, body, addresses, tokenize = 'unicode61 remove_diacritics 2');

-- A send made with an idempotency key, so that a retry returns its result instead of sending again.
CREATE TABLE idempotency_keys (
    mailbox_id    INTEGER NOT NULL REFERENCES mailboxes(id),
    key           TEXT    NOT NULL,
    request_hash  BLOB    NOT NULL,
    outbound_id   INTEGER NOT NULL REFERENCES outbound_messages(id),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at);

-- Keys that could read a mailbox may now also organise it (flags, folders, delete to Trash).
UPDATE api_keys SET scopes = scopes || ' mail:modify' WHERE (' ' || scopes || ' ') LIKE '% mail:read %';
