-- IMAP state kept where every session and every door reads it, not in a session's memory.

-- \Recent (RFC 3501 §2.3.2): messages from first_recent_uid on have been seen by no session yet; the next
-- session to select the folder read-write takes them. Messages already stored are not recent.
ALTER TABLE folders ADD COLUMN first_recent_uid INTEGER NOT NULL DEFAULT 1;
UPDATE folders SET first_recent_uid = uid_next;

-- UIDVALIDITY strictly increasing per mailbox, so a folder deleted and created again in the same second
-- still gets a new one. Folders that older versions created together share one value; since RENAME keeps a
-- folder's value, a client could then take one folder's cache for another's: each but the first gets a new
-- value above the mailbox's highest (its clients resynchronise that folder once).
CREATE TEMP TABLE renumbered AS
SELECT f.id, top.uid_validity + ROW_NUMBER() OVER (PARTITION BY f.mailbox_id ORDER BY f.id) AS uid_validity
FROM folders f
JOIN (SELECT mailbox_id, MAX(uid_validity) AS uid_validity FROM folders GROUP BY mailbox_id) top ON top.mailbox_id = f.mailbox_id
WHERE EXISTS (SELECT 1 FROM folders d WHERE d.mailbox_id = f.mailbox_id AND d.uid_validity = f.uid_validity AND d.id < f.id);
UPDATE folders SET uid_validity = (SELECT r.uid_validity FROM renumbered r WHERE r.id = folders.id) WHERE id IN (SELECT id FROM renumbered);
DROP TABLE renumbered;
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
