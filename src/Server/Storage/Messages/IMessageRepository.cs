using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

/// <summary>Folders and the message index of every mailbox.</summary>
public interface IMessageRepository
{
    /// <summary>Creates a folder with a UIDVALIDITY of at least <paramref name="uidValidity"/> and larger than
    /// any the mailbox gave before, so a name deleted and created again never repeats one (RFC 3501 §2.3.1.1).</summary>
    Task<FolderRecord> CreateFolderAsync(IUnitOfWork tx, long mailboxId, string name, string? specialUse, long uidValidity);
    Task<FolderRecord?> FindFolderAsync(long mailboxId, string name, IUnitOfWork? tx = null);
    /// <summary>A folder by its id, whatever it is called now (another session may have renamed it).</summary>
    Task<FolderRecord?> FindFolderByIdAsync(long mailboxId, long folderId);
    Task<IReadOnlyList<FolderRecord>> ListFoldersAsync(long mailboxId, IUnitOfWork? tx = null);
    /// <summary>Indexes a message in a folder under the folder's next UID, in its conversation and for
    /// search, and returns the new message.</summary>
    Task<MessageRecord> InsertAsync(IUnitOfWork tx, long mailboxId, FolderRecord folder, NewMessage message);
    /// <summary>A second index entry for the same stored message (IMAP COPY), in its conversation.</summary>
    Task<MessageRecord> CopyAsync(IUnitOfWork tx, MessageRecord source, FolderRecord destination, string flags);
    /// <summary>Moves a message to another folder of its mailbox under that folder's next UID, keeping its id.</summary>
    Task<MessageRecord> MoveAsync(IUnitOfWork tx, MessageRecord message, FolderRecord destination);
    Task<long> CountInMailboxAsync(long mailboxId, IUnitOfWork? tx = null);

    /// <summary>The total size of the mailbox's messages, from what its folders keep.</summary>
    Task<long> StorageUsedAsync(long mailboxId, IUnitOfWork? tx = null);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<MessageRecord>> QueryAsync(MessageQuery query);
    /// <summary>Conversations, the most recently active first; a thread's position is its last message time and id.</summary>
    Task<IReadOnlyList<ThreadRecord>> ListThreadsAsync(long mailboxId, int limit, PagePosition? after);
    /// <summary>The messages of these conversations, oldest first.</summary>
    Task<IReadOnlyList<MessageRecord>> ListThreadMessagesAsync(long mailboxId, IReadOnlyCollection<string> threadIds);
    /// <summary>Messages stored before search existed, still to be indexed.</summary>
    Task<IReadOnlyList<(string Id, string Blob, long ReceivedAt)>> ListUnindexedAsync(int limit);
    Task IndexTextAsync(IUnitOfWork tx, string id, IndexedFields fields);
    /// <summary>One message for each untimed row of the full-text index (<see cref="SearchRowIds"/>) between the two
    /// rowids, in rowid order.</summary>
    Task<IReadOnlyList<(long SearchId, string Blob, long ReceivedAt)>> ListUntimedAsync(long after, long before, int limit);
    /// <summary>One past the highest untimed rowid a message names.</summary>
    Task<long> UntimedEndAsync();
    /// <summary>Gives an untimed row a rowid of the second its messages were received in, for every message naming it.</summary>
    Task RetimeSearchRowAsync(IUnitOfWork tx, long searchId, long receivedAt, IndexedFields fields);

    /// <summary>Moves up to <paramref name="limit"/> queued texts (of one mailbox, or of any) into the full-text
    /// index; returns how many it moved.</summary>
    Task<int> IndexQueuedAsync(IUnitOfWork tx, long? mailboxId, int limit);

    /// <summary>How many texts of the mailbox wait for the full-text index.</summary>
    Task<long> CountQueuedAsync(long mailboxId);
    /// <summary>The stored MIME structures of these messages, for those that have one kept.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ReadStructuresAsync(IReadOnlyCollection<string> ids);
    /// <summary>Messages whose structure was never read (stored before it was kept), in id order after
    /// <paramref name="after"/>; none once <see cref="MarkStructuresCompleteAsync"/> recorded that all have one.</summary>
    Task<IReadOnlyList<(string Id, string Blob)>> ListWithoutStructureAsync(string after, int limit);
    /// <summary>Keeps a message's structure (empty: not kept), unless it has one already. Derived data: no
    /// client sees a change, so nothing is announced.</summary>
    Task SetStructureAsync(IUnitOfWork tx, string id, byte[] structure);
    /// <summary>Records that every message stored before structures were kept now has one.</summary>
    Task MarkStructuresCompleteAsync(IUnitOfWork tx);
    Task<MessageRecord?> FindAsync(string id, IUnitOfWork? tx = null);

    /// <summary>The UIDs of a folder above <paramref name="after"/>, ascending: what a mail client's view of it
    /// starts from (all of them), or what arrived since a view was read.</summary>
    Task<IReadOnlyList<uint>> ListUidsAsync(long folderId, uint after = 0);
    /// <summary>Those of these UIDs still in the folder, in UID order.</summary>
    Task<IReadOnlyList<MessageEntry>> ListEntriesAsync(long folderId, IReadOnlyCollection<uint> uids);
    /// <summary>Those of these UIDs still in the folder, with their indexed headers.</summary>
    Task<IReadOnlyList<MessageRecord>> ListRecordsAsync(long folderId, IReadOnlyCollection<uint> uids);
    /// <summary>The keywords (flags not beginning with a backslash) messages of the folder were ever given.</summary>
    Task<IReadOnlyList<string>> ListKeywordsAsync(long folderId);
    /// <summary>The messages of a folder changed or added after <paramref name="modseq"/>, by UID.</summary>
    Task<IReadOnlyList<MessageEntry>> ListChangedSinceAsync(long folderId, long modseq);
    /// <summary>One page of a folder's messages in (modseq, UID) order after (<paramref name="modseq"/>,
    /// <paramref name="uid"/>): with <c>uid = uint.MaxValue</c>, the first page of those changed since the modseq.</summary>
    Task<IReadOnlyList<MessageEntry>> ListChangedAfterAsync(long folderId, long modseq, long uid, int limit);

    /// <summary>The UIDs removed from a folder (expunged, deleted or moved out) after <paramref name="modseq"/>.</summary>
    Task<IReadOnlyList<long>> ListExpungedSinceAsync(long folderId, long modseq);

    /// <summary>The UIDs of a folder's messages that are unseen, flagged or deleted (the flags indexed where they
    /// are the rare case), in UID order; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<long>> ListUidsWithAsync(long folderId, IndexedFlag flag, int limit = int.MaxValue);
    /// <summary>How many messages of the folder have the flag, by its index.</summary>
    Task<long> CountWithAsync(long folderId, IndexedFlag flag);

    /// <summary>The total size of the folder's \Deleted messages, by the index of them.</summary>
    Task<long> DeletedSizeAsync(long folderId);

    /// <summary>How many messages of a folder have a UID of at least <paramref name="fromUid"/> (IMAP's RECENT).</summary>
    Task<long> CountFromUidAsync(long folderId, long fromUid);

    /// <summary>Which of these import keys the mailbox has stored a message under (ImportMessages).</summary>
    Task<IReadOnlySet<string>> ImportedKeysAsync(long mailboxId, IReadOnlyCollection<string> keys, IUnitOfWork? tx = null);

    /// <summary>Records that the message was imported under this key.</summary>
    Task RecordImportAsync(IUnitOfWork tx, long mailboxId, string key, string messageId);

    /// <summary>Which of these ids are messages of the folder, as read in the unit of work.</summary>
    Task<IReadOnlySet<string>> PresentAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids);
    /// <summary>Applies <paramref name="change"/> to the flags of these messages as stored now, raising the
    /// folder's modseq where they change, and returns the messages (those still in the folder) as stored after.</summary>
    Task<FlagUpdate> ChangeFlagsAsync(IUnitOfWork tx, long folderId, IReadOnlyCollection<string> ids, FlagChange change);
    /// <summary>The messages of a folder whose stored flags include \Deleted, in UID order.</summary>
    Task<IReadOnlyList<MessageEntry>> ListDeletedAsync(IUnitOfWork tx, long folderId);
    /// <summary>Gives the messages from <see cref="FolderRecord.FirstRecentUid"/> up to (not including)
    /// <paramref name="upTo"/> to the caller as \Recent (RFC 3501 §2.3.2: one session only) and returns the
    /// first UID of them; no later session gets them.</summary>
    Task<long> ClaimRecentAsync(IUnitOfWork tx, long folderId, long upTo);
    /// <summary>Removes messages from a folder (expunge), raising the folder's modseq.</summary>
    Task DeleteAsync(IUnitOfWork tx, long folderId, IReadOnlyList<string> ids);
    Task DeleteFolderAsync(IUnitOfWork tx, long folderId);
    Task RenameFolderAsync(IUnitOfWork tx, long folderId, string newName, long uidValidity);
    /// <summary>Subscriptions are names (RFC 3501 §6.3.6): one outlives the deletion of its folder.</summary>
    Task SetSubscribedAsync(IUnitOfWork tx, long mailboxId, string name, bool subscribed);
    Task<IReadOnlySet<string>> ListSubscriptionsAsync(long mailboxId);
}
