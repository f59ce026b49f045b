using System.Data.Common;
using Dapper;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMessageRepository(Database database) : SqliteRepository(database), IMessageRepository
{
    private const string FolderColumns =
        "id, mailbox_id AS MailboxId, name, special_use AS SpecialUse, uid_validity AS UidValidity, uid_next AS UidNext, subscribed";

    private const string MessageColumns =
        """
        id, mailbox_id AS MailboxId, folder_id AS FolderId, uid, flags, received_at AS ReceivedAt, size, blob, subject,
        from_header AS FromHeader, to_header AS ToHeader, cc_header AS CcHeader, date_header AS DateHeader,
        message_id_header AS MessageIdHeader
        """;

    public Task CreateFolderAsync(DbTransaction tx, long mailboxId, string name, string? specialUse, long uidValidity) =>
        tx.Connection!.ExecuteAsync(
            "INSERT INTO folders (mailbox_id, name, special_use, uid_validity) VALUES (@mailboxId, @name, @specialUse, @uidValidity)",
            new { mailboxId, name, specialUse, uidValidity }, tx);

    public Task<FolderRecord?> FindFolderAsync(long mailboxId, string name, DbTransaction? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<FolderRecord>(
            $"SELECT {FolderColumns} FROM folders WHERE mailbox_id = @mailboxId AND name = @name", new { mailboxId, name }, t));

    public Task<IReadOnlyList<FolderRecord>> ListFoldersAsync(long mailboxId) =>
        ReadAsync<IReadOnlyList<FolderRecord>>(null, async (c, t) => (await c.QueryAsync<FolderRecord>(
            $"SELECT {FolderColumns} FROM folders WHERE mailbox_id = @mailboxId ORDER BY id", new { mailboxId }, t)).AsList());

    public async Task<MessageRecord> InsertAsync(DbTransaction tx, long mailboxId, FolderRecord folder, NewMessage message)
    {
        var uid = await tx.Connection!.ExecuteScalarAsync<long>(
            "UPDATE folders SET uid_next = uid_next + 1 WHERE id = @Id RETURNING uid_next - 1", new { folder.Id }, tx);
        var record = new MessageRecord(
            Id: Guid.CreateVersion7().ToString("N"), MailboxId: mailboxId, FolderId: folder.Id, Uid: uid, Flags: message.Flags,
            ReceivedAt: message.ReceivedAt, Size: message.Size, Blob: message.Blob, Subject: message.Headers.Subject,
            FromHeader: message.Headers.From, ToHeader: message.Headers.To, CcHeader: message.Headers.Cc,
            DateHeader: message.Headers.Date, MessageIdHeader: message.Headers.MessageId);
        await tx.Connection!.ExecuteAsync(
            """
            INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, subject, from_header,
                                  to_header, cc_header, date_header, message_id_header)
            VALUES (@Id, @MailboxId, @FolderId, @Uid, @Flags, @ReceivedAt, @Size, @Blob, @Subject, @FromHeader,
                    @ToHeader, @CcHeader, @DateHeader, @MessageIdHeader)
            """, record, tx);
        return record;
    }

    public Task<long> CountInMailboxAsync(long mailboxId, DbTransaction? tx = null) =>
        ReadAsync(tx, (c, t) => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE mailbox_id = @mailboxId", new { mailboxId }, t));

    public Task<IReadOnlyList<MessageRecord>> ListAsync(long folderId, int limit, long? receivedBefore) =>
        ReadAsync<IReadOnlyList<MessageRecord>>(null, async (c, t) => (await c.QueryAsync<MessageRecord>(
            $"""
            SELECT {MessageColumns} FROM messages
            WHERE folder_id = @folderId AND (@receivedBefore IS NULL OR received_at < @receivedBefore)
            ORDER BY received_at DESC, id DESC LIMIT @limit
            """, new { folderId, limit, receivedBefore }, t)).AsList());

    public Task<MessageRecord?> FindAsync(string id) =>
        ReadAsync(null, (c, t) => c.QuerySingleOrDefaultAsync<MessageRecord>($"SELECT {MessageColumns} FROM messages WHERE id = @id", new { id }, t));
}
