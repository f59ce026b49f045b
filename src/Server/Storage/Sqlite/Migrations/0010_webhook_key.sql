-- Which API key created a webhook, so that revoking the key also retires its webhooks. Webhooks created
-- before this column existed have none and stay until deleted or until their mailbox is disabled.
ALTER TABLE webhooks ADD COLUMN api_key_id INTEGER REFERENCES api_keys(id);
CREATE INDEX webhooks_api_key ON webhooks(api_key_id) WHERE deleted_at IS NULL;
