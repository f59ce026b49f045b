-- FETCH CHANGEDSINCE and SELECT (QRESYNC ...) read a folder's changes since a modseq page by page, in (modseq, uid)
-- order from where the last page ended: with the UID in the index each page is a seek, and a client that asks for
-- every change since the beginning costs a page of memory at a time, not the folder.
DROP INDEX messages_folder_modseq;
CREATE INDEX messages_folder_modseq ON messages(folder_id, modseq, uid);
