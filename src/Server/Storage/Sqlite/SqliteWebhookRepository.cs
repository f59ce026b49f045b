using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteWebhookRepository(Database database) : SqliteRepository(database), IWebhookRepository
{
    private const string Columns =
        "id, mailbox_id AS MailboxId, url, event_types AS EventTypes, secret_nonce AS SecretNonce, last_event_id AS LastEventId, created_at AS CreatedAt, deleted_at AS DeletedAt";

    private const string DeliveryColumns =
        """
        d.id, d.webhook_id AS WebhookId, d.event_id AS EventId, e.event_type AS EventType, d.state, d.attempts, d.last_status AS LastStatus,
        d.last_error AS LastError, d.next_attempt_at AS NextAttemptAt, d.delivered_at AS DeliveredAt, d.created_at AS CreatedAt
        """;

    public Task<WebhookRecord> InsertAsync(long? mailboxId, long apiKeyId, string url, string eventTypes, byte[] secretNonce, long now) =>
        Database.WriteAsync(async tx =>
        {
            // The key is checked again inside the transaction, so a revocation committed since the request was
            // authenticated cannot leave a webhook behind.
            if (await tx.Connection!.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE id = @apiKeyId AND revoked_at IS NULL", new { apiKeyId }, tx) == 0)
                throw new Kernel.MailServerException(Kernel.ErrorKind.Unauthenticated, "The API key is not valid: it is unknown, revoked, or its mailbox is disabled.");
            return await tx.Connection!.QuerySingleAsync<WebhookRecord>(
                $"""
                INSERT INTO webhooks (mailbox_id, api_key_id, url, event_types, secret_nonce, last_event_id, created_at)
                VALUES (@mailboxId, @apiKeyId, @url, @eventTypes, @secretNonce, (SELECT COALESCE(MAX(id), 0) FROM mailbox_events), @now)
                RETURNING {Columns}
                """, new { mailboxId, apiKeyId, url, eventTypes, secretNonce, now }, tx);
        });

    public Task<WebhookRecord?> FindAsync(long id) =>
        ReadAsync(null, (c, t) => c.QuerySingleOrDefaultAsync<WebhookRecord>($"SELECT {Columns} FROM webhooks WHERE id = @id AND deleted_at IS NULL", new { id }, t));

    public Task<IReadOnlyList<WebhookRecord>> ListAsync(long? mailboxId) =>
        ReadAsync<IReadOnlyList<WebhookRecord>>(null, async (c, t) => (await c.QueryAsync<WebhookRecord>(
            $"SELECT {Columns} FROM webhooks WHERE deleted_at IS NULL AND (@mailboxId IS NULL OR mailbox_id = @mailboxId) ORDER BY id",
            new { mailboxId }, t)).AsList());

    public Task DeleteAsync(long id, long now) =>
        Database.WriteAsync(async tx =>
        {
            await tx.Connection!.ExecuteAsync("UPDATE webhooks SET deleted_at = @now WHERE id = @id", new { id, now }, tx);
            await tx.Connection!.ExecuteAsync("UPDATE webhook_deliveries SET state = 'failed', last_error = 'the webhook was deleted', next_attempt_at = NULL WHERE webhook_id = @id AND state = 'pending'",
                new { id }, tx);
        });

    public Task<int> QueueNewEventsAsync(WebhookRecord webhook, long now, int limit) =>
        Database.WriteAsync(async tx =>
        {
            var types = webhook.EventTypeList;
            var events = (await tx.Connection!.QueryAsync<(long Id, string Type)>(
                """
                SELECT id, event_type FROM mailbox_events
                WHERE id > (SELECT last_event_id FROM webhooks WHERE id = @Id) AND (@MailboxId IS NULL OR mailbox_id = @MailboxId)
                ORDER BY id LIMIT @limit
                """, new { webhook.Id, webhook.MailboxId, limit }, tx)).AsList();
            if (events.Count == 0) return 0;
            var queued = 0;
            foreach (var (id, type) in events.Where(e => types.Count == 0 || types.Contains(e.Type)))
                queued += await tx.Connection!.ExecuteAsync(
                    "INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, state, next_attempt_at, created_at) VALUES (@webhook, @id, 'pending', @now, @now)",
                    new { webhook = webhook.Id, id, now }, tx);
            await tx.Connection!.ExecuteAsync("UPDATE webhooks SET last_event_id = @last WHERE id = @Id", new { last = events[^1].Id, webhook.Id }, tx);
            return queued;
        });

    public Task<IReadOnlyList<(WebhookDeliveryRecord Delivery, MailboxEventRecord Event)>> ListDueAsync(long now, int limit) =>
        ReadAsync<IReadOnlyList<(WebhookDeliveryRecord, MailboxEventRecord)>>(null, async (c, t) => (await c.QueryAsync<WebhookDeliveryRecord, MailboxEventRecord, (WebhookDeliveryRecord, MailboxEventRecord)>(
            $"""
            SELECT {DeliveryColumns}, e.id, e.mailbox_id AS MailboxId, e.event_type AS EventType, e.message_id AS MessageId, e.outbound_id AS OutboundId,
                   e.details, e.created_at AS CreatedAt
            FROM webhook_deliveries d JOIN mailbox_events e ON e.id = d.event_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.id LIMIT @limit
            """, (d, e) => (d, e), new { now, limit }, t, splitOn: "id")).AsList());

    public Task SettleAsync(long deliveryId, string state, int status, string error, long? nextAttemptAt, long? deliveredAt) =>
        Database.WriteAsync(tx => tx.Connection!.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET state = @state, attempts = attempts + 1, last_status = @status, last_error = @error,
                   next_attempt_at = @nextAttemptAt, delivered_at = @deliveredAt
            WHERE id = @deliveryId
            """, new { deliveryId, state, status, error, nextAttemptAt, deliveredAt }, tx));

    public Task<IReadOnlyList<WebhookDeliveryRecord>> ListDeliveriesAsync(long webhookId, int limit) =>
        ReadAsync<IReadOnlyList<WebhookDeliveryRecord>>(null, async (c, t) => (await c.QueryAsync<WebhookDeliveryRecord>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN mailbox_events e ON e.id = d.event_id WHERE d.webhook_id = @webhookId ORDER BY d.id DESC LIMIT @limit",
            new { webhookId, limit }, t)).AsList());
}
