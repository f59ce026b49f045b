-- IMAP state kept where every session and every door reads it, not in a session's memory.

-- \Recent (RFC 3501 §2.3.2): messages from first_recent_uid on have been seen by no session yet; the next
-- session to select the folder read-write takes them. Messages already stored are not recent.
ALTER TABLE folders ADD COLUMN first_recent_uid INTEGER NOT NULL DEFAULT 1;
UPDATE folders SET first_recent_uid = uid_next;

-- UIDVALIDITY strictly increasing per mailbox, so a folder deleted and created again in the same second
-- still gets a new one.
ALTER TABLE mailboxes ADD COLUMN last_uid_validity INTEGER NOT NULL DEFAULT 0;
UPDATE mailboxes SET last_uid_validity = COALESCE((SELECT MAX(uid_validity) FROM folders WHERE folders.mailbox_id = mailboxes.id), 0);

-- Subscriptions are names (RFC 3501 §6.3.6): one outlives its folder, which LIST (SUBSCRIBED) then shows
-- as \NonExistent (RFC 5258).
CREATE TABLE subscriptions (
    mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
    name        TEXT    NOT NULL,
    PRIMARY KEY (mailbox_id, name)
);
INSERT INTO subscriptions (mailbox_id, name) SELECT mailbox_id, name FROM folders WHERE subscribed = 1;
ALTER TABLE folders DROP COLUMN subscribed;
