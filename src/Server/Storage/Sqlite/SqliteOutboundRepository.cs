using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteOutboundRepository(Database database) : SqliteRepository(database), IOutboundRepository
{
    private const string Columns =
        """
        id, mailbox_id AS MailboxId, sender, recipients, subject, state, message_id AS MessageId, queue_id AS QueueId, error,
        blob, size, created_at AS CreatedAt, sent_at AS SentAt, updated_at AS UpdatedAt
        """;

    private const string RecipientColumns =
        """
        id, outbound_id AS OutboundId, address, local, state, attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError,
        updated_at AS UpdatedAt
        """;

    public Task<OutboundRecord> InsertAsync(IUnitOfWork tx, long mailboxId, string sender, IReadOnlyList<string> recipients, string subject,
        string messageId, string queueId, string blob, long size, long now) =>
        Sql(tx).Connection!.QuerySingleAsync<OutboundRecord>(
            $"""
            INSERT INTO outbound_messages (mailbox_id, sender, recipients, subject, state, message_id, queue_id, blob, size, created_at, updated_at)
            VALUES (@mailboxId, @sender, @recipients, @subject, @state, @messageId, @queueId, @blob, @size, @now, @now)
            RETURNING {Columns}
            """,
            new { mailboxId, sender, recipients = JsonSerializer.Serialize(recipients), subject, state = OutboundState.Queued, messageId, queueId, blob, size, now }, Sql(tx));

    public Task InsertRecipientAsync(IUnitOfWork tx, long outboundId, string address, bool local, string state, string error, long now) =>
        Sql(tx).Connection!.ExecuteAsync(
            """
            INSERT INTO outbound_recipients (outbound_id, address, local, state, next_attempt_at, last_error, updated_at)
            VALUES (@outboundId, @address, @local, @state, @nextAttemptAt, @error, @now)
            """,
            new { outboundId, address, local = local ? 1 : 0, state, nextAttemptAt = state == OutboundState.Queued ? now : (long?)null, error, now }, Sql(tx));

    public Task AddEventAsync(IUnitOfWork tx, long outboundId, string recipient, string eventType, object details, long now) =>
        Sql(tx).Connection!.ExecuteAsync(
            "INSERT INTO delivery_events (outbound_id, recipient, event_type, details, created_at) VALUES (@outboundId, @recipient, @eventType, @details, @now)",
            new { outboundId, recipient, eventType, details = JsonSerializer.Serialize(details), now }, Sql(tx));

    public Task<OutboundRecord> SetStateAsync(IUnitOfWork tx, long id, string state, string error, long? sentAt, long now) =>
        Sql(tx).Connection!.QuerySingleAsync<OutboundRecord>(
            $"UPDATE outbound_messages SET state = @state, error = @error, sent_at = COALESCE(@sentAt, sent_at), updated_at = @now WHERE id = @id RETURNING {Columns}",
            new { id, state, error, sentAt, now }, Sql(tx));

    public Task<OutboundRecord?> FindAsync(long id, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<OutboundRecord>($"SELECT {Columns} FROM outbound_messages WHERE id = @id", new { id }, t));

    public Task<IReadOnlyList<OutboundRecord>> ListAsync(long? mailboxId, IReadOnlyCollection<string>? states, int limit) =>
        ReadAsync<IReadOnlyList<OutboundRecord>>(null, async (c, t) => (await c.QueryAsync<OutboundRecord>(
            $"""
            SELECT {Columns} FROM outbound_messages
            WHERE (@mailboxId IS NULL OR mailbox_id = @mailboxId) AND (@all OR state IN @states)
            ORDER BY id DESC LIMIT @limit
            """, new { mailboxId, all = states is null, states = states ?? [], limit }, t)).AsList());

    public Task<IReadOnlyList<DeliveryEventRecord>> ListEventsAsync(long outboundId) =>
        ReadAsync<IReadOnlyList<DeliveryEventRecord>>(null, async (c, t) => (await c.QueryAsync<DeliveryEventRecord>(
            """
            SELECT id, outbound_id AS OutboundId, recipient, event_type AS EventType, details, created_at AS CreatedAt
            FROM delivery_events WHERE outbound_id = @outboundId ORDER BY id
            """, new { outboundId }, t)).AsList());

    public Task<IReadOnlyList<OutboundRecord>> QueryAsync(OutboundQuery q) =>
        ReadAsync<IReadOnlyList<OutboundRecord>>(null, async (c, t) => (await c.QueryAsync<OutboundRecord>(
            $"""
            SELECT {Columns} FROM outbound_messages
            WHERE (@MailboxId IS NULL OR mailbox_id = @MailboxId)
              AND (@State IS NULL OR state = @State)
              AND (@Sender IS NULL OR sender = @Sender)
              AND (@Recipient IS NULL OR EXISTS (SELECT 1 FROM outbound_recipients r WHERE r.outbound_id = outbound_messages.id AND r.address = @Recipient))
              AND (@Subject IS NULL OR subject LIKE @Subject ESCAPE '\')
              AND (@Since IS NULL OR created_at >= @Since)
              AND (@Before IS NULL OR created_at < @Before)
              AND (@AfterId IS NULL OR id < @AfterId)
            ORDER BY id DESC LIMIT @Limit
            """, new
            {
                q.MailboxId, q.State, q.Sender, q.Recipient, q.Since, q.Before, q.AfterId, q.Limit,
                Subject = SqlLike.Contains(q.Subject),
            }, t)).AsList());

    public Task<(byte[] RequestHash, long OutboundId)?> FindIdempotencyKeyAsync(long mailboxId, string key, long since) =>
        ReadAsync<(byte[], long)?>(null, async (c, t) =>
        {
            var row = await c.QueryFirstOrDefaultAsync<(byte[] Hash, long Id)?>(
                "SELECT request_hash, outbound_id FROM idempotency_keys WHERE mailbox_id = @mailboxId AND key = @key AND created_at >= @since",
                new { mailboxId, key, since }, t);
            return row;
        });

    public async Task ClaimIdempotencyKeyAsync(IUnitOfWork tx, long mailboxId, string key, byte[] requestHash, long outboundId, long now, long expiredBefore)
    {
        await Sql(tx).Connection!.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @expiredBefore", new { expiredBefore }, Sql(tx));
        await Sql(tx).Connection!.ExecuteAsync(
            """
            INSERT INTO idempotency_keys (mailbox_id, key, request_hash, outbound_id, created_at) VALUES (@mailboxId, @key, @requestHash, @outboundId, @now)
            ON CONFLICT (mailbox_id, key) DO UPDATE SET request_hash = excluded.request_hash, outbound_id = excluded.outbound_id, created_at = excluded.created_at
            """, new { mailboxId, key, requestHash, outboundId, now }, Sql(tx));
    }

    public Task<long> CountSinceAsync(long mailboxId, long since, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM outbound_messages WHERE mailbox_id = @mailboxId AND created_at >= @since", new { mailboxId, since }, t));

    public Task<(long Count, long? OldestCreatedAt)> BacklogAsync() =>
        ReadAsync(null, async (c, t) =>
        {
            var row = await c.QuerySingleAsync<(long Count, long? Oldest)>(
                "SELECT COUNT(*), MIN(created_at) FROM outbound_messages WHERE state IN ('queued', 'sending', 'deferred')", transaction: t);
            return (row.Count, row.Oldest);
        });

    public Task<IReadOnlyList<OutboundRecipientRecord>> ListRecipientsAsync(IReadOnlyCollection<long> outboundIds, IUnitOfWork? tx = null) =>
        ReadAsync<IReadOnlyList<OutboundRecipientRecord>>(tx, async (c, t) => (await c.QueryAsync<OutboundRecipientRecord>(
            $"SELECT {RecipientColumns} FROM outbound_recipients WHERE outbound_id IN @outboundIds ORDER BY id", new { outboundIds }, t)).AsList());

    public async Task<IReadOnlyList<OutboundRecipientRecord>> LeaseDueAsync(IUnitOfWork tx, long now, int limit) =>
        (await Sql(tx).Connection!.QueryAsync<OutboundRecipientRecord>(
            $"""
            UPDATE outbound_recipients SET state = 'sending', updated_at = @now
            WHERE id IN (SELECT id FROM outbound_recipients
                         WHERE state IN ('queued', 'deferred') AND local = 0 AND next_attempt_at <= @now
                         ORDER BY next_attempt_at, id LIMIT @limit)
            RETURNING {RecipientColumns}
            """, new { now, limit }, Sql(tx))).AsList();

    public async Task<IReadOnlyList<OutboundRecipientRecord>> ReleaseLeasedAsync(IUnitOfWork tx, IReadOnlyCollection<long>? ids, long now, long dueAt) =>
        (await Sql(tx).Connection!.QueryAsync<OutboundRecipientRecord>(
            $"""
            UPDATE outbound_recipients SET state = 'queued', next_attempt_at = @dueAt, updated_at = @now
            WHERE state = 'sending' AND (@all OR id IN @ids)
            RETURNING {RecipientColumns}
            """, new { now, dueAt, all = ids is null, ids = ids ?? [] }, Sql(tx))).AsList();

    public Task<long?> NextDueAtAsync() =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long?>(
            "SELECT MIN(next_attempt_at) FROM outbound_recipients WHERE state IN ('queued', 'deferred') AND local = 0", transaction: t));

    public Task UpdateRecipientAsync(IUnitOfWork tx, long id, string state, int attempts, long? nextAttemptAt, string lastError, long now) =>
        Sql(tx).Connection!.ExecuteAsync(
            """
            UPDATE outbound_recipients SET state = @state, attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @lastError, updated_at = @now
            WHERE id = @id
            """, new { id, state, attempts, nextAttemptAt, lastError, now }, Sql(tx));
}
