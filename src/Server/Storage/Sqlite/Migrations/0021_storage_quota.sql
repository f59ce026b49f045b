-- Each mailbox also has a limit in bytes: the sum of its messages' sizes (what the folders' total_size keeps) may not
-- pass it. Mailboxes made before this get 10 GiB (the default of Limits:MaxBytesPerMailbox, which sets new ones), or
-- twice what they hold when that is more, so no mailbox starts refusing mail the day its server is upgraded.
ALTER TABLE mailboxes ADD COLUMN storage_quota INTEGER NOT NULL DEFAULT 10737418240;
UPDATE mailboxes SET storage_quota = MAX(storage_quota, 2 * (SELECT COALESCE(SUM(total_size), 0) FROM folders WHERE folders.mailbox_id = mailboxes.id));
