-- The MIME structure of each message (envelope header values, body structure), read once when it is
-- stored, so that IMAP ENVELOPE, BODY and BODYSTRUCTURE read no message file. NULL: not read yet (messages
-- stored before this column; a background pass fills them); X'': not kept (past the MIME limits, or too
-- large), shown from the message itself.
ALTER TABLE messages ADD COLUMN structure BLOB;
CREATE INDEX messages_without_structure ON messages(id) WHERE structure IS NULL;
