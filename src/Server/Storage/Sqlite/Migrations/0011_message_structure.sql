-- The MIME structure of each message (envelope header values, body structure), read once when it is
-- stored, so that IMAP ENVELOPE, BODY and BODYSTRUCTURE read no message file. In a table of its own, so the
-- rows that listings, searches and SELECT scan stay as small as they were. An empty structure: not kept
-- (past the MIME limits, or too large), shown from the message itself. Messages stored before this table
-- get theirs from a background pass, which records in server_state when it has done them all.
CREATE TABLE message_structures (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    structure BLOB NOT NULL
);
