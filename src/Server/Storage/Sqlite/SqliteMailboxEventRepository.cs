using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMailboxEventRepository(Database database) : SqliteRepository(database), IMailboxEventRepository
{
    public async Task RecordAsync(IUnitOfWork tx, long mailboxId, string eventType, string messageId, long? outboundId, object details, long now)
    {
        await Sql(tx).Connection!.ExecuteAsync(
            "INSERT INTO mailbox_events (mailbox_id, event_type, message_id, outbound_id, details, created_at) VALUES (@mailboxId, @eventType, @messageId, @outboundId, @details, @now)",
            new { mailboxId, eventType, messageId, outboundId, details = JsonSerializer.Serialize(details), now }, Sql(tx));
        Changed(tx, mailboxId);
    }

    public async Task RecordForFolderAsync(IUnitOfWork tx, long folderId, string eventType, string messageId, object details, long now)
    {
        foreach (var mailboxId in await Sql(tx).Connection!.QueryAsync<long>(
            """
            INSERT INTO mailbox_events (mailbox_id, event_type, message_id, details, created_at)
            SELECT mailbox_id, @eventType, @messageId, @details, @now FROM folders WHERE id = @folderId
            RETURNING mailbox_id
            """, new { folderId, eventType, messageId, details = JsonSerializer.Serialize(details), now }, Sql(tx)))
            Changed(tx, mailboxId);
    }

    public Task<IReadOnlyList<MailboxEventRecord>> ListAfterAsync(long mailboxId, long afterId, IReadOnlyCollection<string> types, int limit) =>
        ReadAsync<IReadOnlyList<MailboxEventRecord>>(null, async (c, t) => (await c.QueryAsync<MailboxEventRecord>(
            """
            SELECT id, mailbox_id AS MailboxId, event_type AS EventType, message_id AS MessageId, outbound_id AS OutboundId, details, created_at AS CreatedAt
            FROM mailbox_events WHERE mailbox_id = @mailboxId AND id > @afterId AND (@all OR event_type IN @types)
            ORDER BY id LIMIT @limit
            """, new { mailboxId, afterId, all = types.Count == 0, types, limit }, t)).AsList());

    public Task<IReadOnlyList<MailboxEventRecord>> ListLatestAsync(long mailboxId, int count) =>
        ReadAsync<IReadOnlyList<MailboxEventRecord>>(null, async (c, t) => (await c.QueryAsync<MailboxEventRecord>(
            """
            SELECT * FROM (
                SELECT id, mailbox_id AS MailboxId, event_type AS EventType, message_id AS MessageId, outbound_id AS OutboundId, details, created_at AS CreatedAt
                FROM mailbox_events WHERE mailbox_id = @mailboxId ORDER BY id DESC LIMIT @count)
            ORDER BY id
            """, new { mailboxId, count }, t)).AsList());

    public Task<long> LatestIdAsync(long mailboxId) =>
        ReadAsync(null, (c, t) => c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM mailbox_events WHERE mailbox_id = @mailboxId", new { mailboxId }, t));
}
