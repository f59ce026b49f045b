using System.Data.Common;

namespace OpenMailserver.Server.Messages;

/// <summary>Folders and the message index of every mailbox.</summary>
public interface IMessageRepository
{
    Task CreateFolderAsync(DbTransaction tx, long mailboxId, string name, string? specialUse, long uidValidity);
    Task<FolderRecord?> FindFolderAsync(long mailboxId, string name, DbTransaction? tx = null);
    Task<IReadOnlyList<FolderRecord>> ListFoldersAsync(long mailboxId);
    /// <summary>Indexes a message in a folder under the folder's next UID, in its conversation and for
    /// search, and returns the new message.</summary>
    Task<MessageRecord> InsertAsync(DbTransaction tx, long mailboxId, FolderRecord folder, NewMessage message);
    /// <summary>A second index entry for the same stored message (IMAP COPY), in its conversation.</summary>
    Task<MessageRecord> CopyAsync(DbTransaction tx, MessageRecord source, FolderRecord destination, string flags);
    /// <summary>Moves a message to another folder of its mailbox under that folder's next UID, keeping its id.</summary>
    Task<MessageRecord> MoveAsync(DbTransaction tx, MessageRecord message, FolderRecord destination);
    Task<long> CountInMailboxAsync(long mailboxId, DbTransaction? tx = null);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<MessageRecord>> QueryAsync(MessageQuery query);
    /// <summary>Conversations, the most recently active first; a thread's position is its last message time and id.</summary>
    Task<IReadOnlyList<ThreadRecord>> ListThreadsAsync(long mailboxId, int limit, PagePosition? after);
    /// <summary>The messages of these conversations, oldest first.</summary>
    Task<IReadOnlyList<MessageRecord>> ListThreadMessagesAsync(long mailboxId, IReadOnlyCollection<string> threadIds);
    /// <summary>Messages stored before search existed, still to be indexed.</summary>
    Task<IReadOnlyList<(string Id, string Blob)>> ListUnindexedAsync(int limit);
    Task IndexTextAsync(DbTransaction tx, string id, IndexedFields fields);
    Task<MessageRecord?> FindAsync(string id, DbTransaction? tx = null);

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
