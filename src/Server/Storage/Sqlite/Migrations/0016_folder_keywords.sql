-- The keywords used in each folder, kept by triggers as messages get them, so opening a folder announces them
-- (IMAP's FLAGS and PERMANENTFLAGS) without reading its messages. A keyword stays listed once used, as in
-- Dovecot: clients learn the vocabulary of the folder, and removing the last use costs nothing. At most 256 a
-- folder are listed, so a client adding and removing made-up keywords cannot grow the list (nor every SELECT)
-- without end; a keyword past them is still stored on its messages and announced when a FETCH shows it.
CREATE TABLE folder_keywords (
    folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    keyword    TEXT    NOT NULL COLLATE NOCASE,
    PRIMARY KEY (folder_id, keyword)
) WITHOUT ROWID;

-- Flags are stored as one space-separated string; json_each splits it (a string that is not a list of JSON
-- strings, which no validated flag makes, adds nothing rather than failing the write). A keyword is a flag
-- not beginning with a backslash; the WHEN passes over the common case, system flags only, at once.
CREATE TRIGGER messages_keywords_in AFTER INSERT ON messages
WHEN (' ' || NEW.flags) GLOB '* [^\ ]*'
BEGIN
    INSERT OR IGNORE INTO folder_keywords (folder_id, keyword)
    SELECT NEW.folder_id, value FROM json_each(
        CASE WHEN json_valid('["' || replace(replace(NEW.flags, '\', '\\'), ' ', '","') || '"]')
             THEN '["' || replace(replace(NEW.flags, '\', '\\'), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '' AND substr(value, 1, 1) <> '\'
      AND value NOT IN (SELECT keyword FROM folder_keywords WHERE folder_id = NEW.folder_id)
    LIMIT max(0, 256 - (SELECT COUNT(*) FROM folder_keywords WHERE folder_id = NEW.folder_id));
END;

CREATE TRIGGER messages_keywords_changed AFTER UPDATE OF flags, folder_id ON messages
WHEN (' ' || NEW.flags) GLOB '* [^\ ]*'
BEGIN
    INSERT OR IGNORE INTO folder_keywords (folder_id, keyword)
    SELECT NEW.folder_id, value FROM json_each(
        CASE WHEN json_valid('["' || replace(replace(NEW.flags, '\', '\\'), ' ', '","') || '"]')
             THEN '["' || replace(replace(NEW.flags, '\', '\\'), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '' AND substr(value, 1, 1) <> '\'
      AND value NOT IN (SELECT keyword FROM folder_keywords WHERE folder_id = NEW.folder_id)
    LIMIT max(0, 256 - (SELECT COUNT(*) FROM folder_keywords WHERE folder_id = NEW.folder_id));
END;

INSERT OR IGNORE INTO folder_keywords (folder_id, keyword)
SELECT m.folder_id, j.value FROM messages m, json_each(
    CASE WHEN json_valid('["' || replace(replace(m.flags, '\', '\\'), ' ', '","') || '"]')
         THEN '["' || replace(replace(m.flags, '\', '\\'), ' ', '","') || '"]' ELSE '[]' END) j
WHERE (' ' || m.flags) GLOB '* [^\ ]*' AND j.value <> '' AND substr(j.value, 1, 1) <> '\';
