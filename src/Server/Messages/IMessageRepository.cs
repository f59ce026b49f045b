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

    /// <summary>The messages of a folder in UID order, for a mail client's view of it.</summary>
    Task<IReadOnlyList<MessageEntry>> ListEntriesAsync(long folderId, DbTransaction? tx = null);
    Task<(long Messages, long Unseen)> CountsAsync(long folderId);
    /// <summary>Sets the flags of messages in a folder, raising the folder's modseq; returns the new modseq.</summary>
    Task<long> SetFlagsAsync(DbTransaction tx, long folderId, IReadOnlyList<(string Id, string Flags)> changes);
    /// <summary>Removes messages from a folder (expunge), raising the folder's modseq.</summary>
    Task DeleteAsync(DbTransaction tx, long folderId, IReadOnlyList<string> ids);
    Task DeleteFolderAsync(DbTransaction tx, long folderId);
    Task RenameFolderAsync(DbTransaction tx, long folderId, string newName, long uidValidity);
    Task SetSubscribedAsync(DbTransaction tx, long folderId, bool subscribed);
}
