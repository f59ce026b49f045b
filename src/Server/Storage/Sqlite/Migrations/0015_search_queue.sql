-- Text waiting for the full-text index. FTS5 writes what it has gathered to disk at every savepoint, and every
-- delivery is one (group commit runs each unit of work in its own), so indexing inside the delivery wrote one
-- tiny segment per message and spent the writer merging them: ingest slowed as the index grew. A delivery now
-- queues its text here, a plain insert; the search indexer moves it into message_search in batches, and a
-- search first indexes what its mailbox still has queued, so it never misses a stored message.
CREATE TABLE search_queue (
    message_id  TEXT    PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    mailbox_id  INTEGER NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    addresses   TEXT    NOT NULL
);
CREATE INDEX search_queue_mailbox ON search_queue(mailbox_id);
