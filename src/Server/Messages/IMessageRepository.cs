using System.Data.Common;

namespace OpenMailserver.Server.Messages;

/// <summary>Folders and the message index of every mailbox.</summary>
public interface IMessageRepository
{
    Task CreateFolderAsync(DbTransaction tx, long mailboxId, string name, string? specialUse, long uidValidity);
    Task<FolderRecord?> FindFolderAsync(long mailboxId, string name, DbTransaction? tx = null);
    Task<IReadOnlyList<FolderRecord>> ListFoldersAsync(long mailboxId);
    /// <summary>Indexes a message in a folder under the folder's next UID and returns the new message.</summary>
    Task<MessageRecord> InsertAsync(DbTransaction tx, long mailboxId, FolderRecord folder, NewMessage message);
    Task<long> CountInMailboxAsync(long mailboxId, DbTransaction? tx = null);
    /// <summary>Newest first; <paramref name="receivedBefore"/> in Unix milliseconds.</summary>
    Task<IReadOnlyList<MessageRecord>> ListAsync(long folderId, int limit, long? receivedBefore);
    Task<MessageRecord?> FindAsync(string id);
}
