-- Each mailbox also has a limit in bytes: the sum of its messages' sizes (what the folders' total_size keeps) may not
-- pass it. Mailboxes made before this get the default of Limits:MaxBytesPerMailbox, 10 GiB.
ALTER TABLE mailboxes ADD COLUMN storage_quota INTEGER NOT NULL DEFAULT 10737418240;
