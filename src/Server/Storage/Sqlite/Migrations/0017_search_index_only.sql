-- The full-text index keeps the index alone, not a second copy of every message's text, which the message file
-- already holds: that copy was two thirds of the database (4.7 KB of each 5 KB message in a million-message
-- INBOX). contentless_delete (SQLite 3.43) keeps removing a row by its rowid. A copy of a message (IMAP COPY)
-- shares the row of its original, and the row goes with the last message that names it.
-- The text is taken over from the old table once; the space it held is reused by new mail (VACUUM, with the
-- server stopped, gives it back to the file system).
CREATE VIRTUAL TABLE message_search_index USING fts5(subject, body, addresses, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO message_search_index (rowid, subject, body, addresses) SELECT rowid, subject, body, addresses FROM message_search;
DROP TABLE message_search;
ALTER TABLE message_search_index RENAME TO message_search;
