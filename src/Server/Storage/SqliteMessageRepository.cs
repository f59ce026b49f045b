using System.Data.Common;
using Dapper;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMessageRepository(Database database) : SqliteRepository(database), IMessageRepository
{
    private const string FolderColumns =
        "id, mailbox_id AS MailboxId, name, special_use AS SpecialUse, uid_validity AS UidValidity, uid_next AS UidNext, subscribed, highest_modseq AS HighestModSeq";

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
        var (uid, modseq) = await tx.Connection!.QuerySingleAsync<(long, long)>(
            "UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = @Id RETURNING uid_next - 1, highest_modseq",
            new { folder.Id }, tx);
        var record = new MessageRecord(
            Id: Guid.CreateVersion7().ToString("N"), MailboxId: mailboxId, FolderId: folder.Id, Uid: uid, Flags: message.Flags,
            ReceivedAt: message.ReceivedAt, Size: message.Size, Blob: message.Blob, Subject: message.Headers.Subject,
            FromHeader: message.Headers.From, ToHeader: message.Headers.To, CcHeader: message.Headers.Cc,
            DateHeader: message.Headers.Date, MessageIdHeader: message.Headers.MessageId);
        await tx.Connection!.ExecuteAsync(
            """
            INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob, subject, from_header,
                                  to_header, cc_header, date_header, message_id_header, modseq)
            VALUES (@Id, @MailboxId, @FolderId, @Uid, @Flags, @ReceivedAt, @Size, @Blob, @Subject, @FromHeader,
                    @ToHeader, @CcHeader, @DateHeader, @MessageIdHeader, @modseq)
            """, new
            {
                record.Id, record.MailboxId, record.FolderId, record.Uid, record.Flags, record.ReceivedAt, record.Size, record.Blob, record.Subject,
                record.FromHeader, record.ToHeader, record.CcHeader, record.DateHeader, record.MessageIdHeader, modseq,
            }, tx);
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

    public Task<IReadOnlyList<MessageEntry>> ListEntriesAsync(long folderId, DbTransaction? tx = null) =>
        ReadAsync<IReadOnlyList<MessageEntry>>(tx, async (c, t) => (await c.QueryAsync<MessageEntry>(
            "SELECT id, uid, flags, size, received_at AS ReceivedAt, blob, modseq AS ModSeq FROM messages WHERE folder_id = @folderId ORDER BY uid",
            new { folderId }, t)).AsList());

    public Task<(long Messages, long Unseen)> CountsAsync(long folderId) =>
        ReadAsync(null, async (c, t) =>
        {
            var row = await c.QuerySingleAsync<(long, long?)>(
                "SELECT COUNT(*), SUM(CASE WHEN (' ' || flags || ' ') LIKE '% \\Seen %' THEN 0 ELSE 1 END) FROM messages WHERE folder_id = @folderId",
                new { folderId }, t);
            return (row.Item1, row.Item2 ?? 0);
        });

    public async Task<long> SetFlagsAsync(DbTransaction tx, long folderId, IReadOnlyList<(string Id, string Flags)> changes)
    {
        var modseq = await tx.Connection!.ExecuteScalarAsync<long>(
            "UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = @folderId RETURNING highest_modseq", new { folderId }, tx);
        foreach (var (id, flags) in changes)
            await tx.Connection!.ExecuteAsync("UPDATE messages SET flags = @flags, modseq = @modseq WHERE id = @id AND folder_id = @folderId",
                new { id, flags, modseq, folderId }, tx);
        return modseq;
    }

    public async Task DeleteAsync(DbTransaction tx, long folderId, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0) return;
        await tx.Connection!.ExecuteAsync("UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = @folderId", new { folderId }, tx);
        foreach (var chunk in ids.Chunk(500))
            await tx.Connection!.ExecuteAsync("DELETE FROM messages WHERE folder_id = @folderId AND id IN @chunk", new { folderId, chunk }, tx);
    }

    public async Task DeleteFolderAsync(DbTransaction tx, long folderId)
    {
        await tx.Connection!.ExecuteAsync("DELETE FROM messages WHERE folder_id = @folderId", new { folderId }, tx);
        await tx.Connection!.ExecuteAsync("DELETE FROM folders WHERE id = @folderId", new { folderId }, tx);
    }

    public Task RenameFolderAsync(DbTransaction tx, long folderId, string newName, long uidValidity) =>
        tx.Connection!.ExecuteAsync("UPDATE folders SET name = @newName, uid_validity = @uidValidity WHERE id = @folderId",
            new { folderId, newName, uidValidity }, tx);

    public Task SetSubscribedAsync(DbTransaction tx, long folderId, bool subscribed) =>
        tx.Connection!.ExecuteAsync("UPDATE folders SET subscribed = @value WHERE id = @folderId", new { folderId, value = subscribed ? 1 : 0 }, tx);
}
